import chinese from '@haxqer/ra-language-chinese'
import englishMessages from 'ra-language-english'
import type { verityEn } from './en'

// The package is CommonJS, and bundlers disagree on what its default import is: Vite hands over the whole module.
// It was written for react-admin 4: what it lacks falls back to English below.
const chineseMessages = ((chinese as { default?: unknown }).default ?? chinese) as { ra: object }

export const verityZh: typeof verityEn = {
  verity: {
    title: 'Verity',
    roles: { agent: '客服专员', compliance: '合规专员', manager: '经理', admin: '管理员' },
    status: { active: '启用', disabled: '停用' },
    password_banner: '员工绝不会向客户索要密码。请用客户资料核验来电者，然后发送重置链接。',
    dashboard: {
      welcome: '欢迎，%{name}',
      signed_in_as: '当前身份：%{role}',
      open: '打开',
      agent: { title: '协助来电客户', body: '查找来电者的账户，用服务器核对的问题验证身份，然后代其办理。' },
      compliance: { title: '合规监督', body: '审核请求，登记依法律程序作出的披露，并审计谁查看了什么。' },
      manager: { title: '汇总报表', body: '按年龄段、地区和注册月份统计客户人数。人数过少的组会被隐藏，以免识别到个人。' },
      admin: { title: '员工与设置', body: '创建员工账户、分配角色、停用账户并设置策略参数。管理员看不到任何客户数据。' },
    },
    staff: {
      set_password: '设置新密码',
      set_password_help: '该员工将在所有设备上退出登录，之后须使用新密码。',
      password_set: '密码已更改，其所有会话已结束。',
      new_password: '新密码',
    },
    audit: {
      verify_chain: '校验哈希链',
      chain_ok: '哈希链完整：已校验 %{checked} 条记录。',
      chain_broken: '哈希链在第 %{id} 条记录处断裂（%{reason}）。',
      search_action: '操作（如 auth.login 或 staff.）',
    },
    reports: {
      title: '客户人口统计',
      by: '分组依据',
      then_by: '再按',
      none: '无',
      count: '客户数',
      suppressed: '已隐藏',
      k_note: '少于 %{k} 人的组会被隐藏，并同时隐藏足够多的其他组，使任何合计都无法反推出它们。',
      dimensions: { age_band: '年龄段', gender: '性别', country: '国家/地区', region: '省/州', signup_month: '注册月份' },
      empty: '没有可统计的客户。',
    },
    settings: {
      names: {
        unmask_window_minutes: '验证通过后的明文查看时长（分钟）',
        verification_ttl_minutes: '完成一次验证的时限（分钟）',
        verification_failures_per_day: '每位客户每天允许的验证失败次数（超过即锁定）',
        k_anonymity: '报表中显示的最小组人数（k）',
      },
    },
  },
  resources: {
    staff: {
      name: '员工',
      fields: {
        id: '编号',
        name: '姓名',
        email: '邮箱',
        role: '角色',
        status: '状态',
        password: '初始密码',
        last_login_at: '最近登录',
        created_at: '创建时间',
        q: '搜索',
      },
    },
    'audit-log': {
      name: '审计日志',
      fields: {
        id: '记录',
        at: '时间',
        actor_id: '员工编号',
        actor_name: '员工',
        actor_role: '角色',
        action: '操作',
        entity_type: '对象类型',
        entity_id: '对象',
        customer_id: '客户',
        ip: 'IP 地址',
        details: '详情',
        prev_hash: '前一哈希',
        hash: '哈希',
        from: '起始',
        to: '截止',
      },
    },
    settings: { name: '设置', fields: { id: '设置项', value: '值', default: '默认值', updated_at: '修改时间' } },
    reports: { name: '报表' },
  },
}

/** react-admin's own strings in Chinese, with its newer keys falling back to English rather than showing raw keys. */
export const zh = { ...englishMessages, ...chineseMessages, ra: deepMerge(englishMessages.ra, chineseMessages.ra), ...verityZh }

function deepMerge<T extends object>(base: T, over: object): T {
  const out = { ...base } as Record<string, unknown>
  for (const [k, v] of Object.entries(over)) {
    const b: unknown = out[k]
    out[k] = isObject(v) && isObject(b) ? deepMerge(b, v) : v
  }
  return out as T
}

function isObject(v: unknown): v is object {
  return typeof v === 'object' && v !== null
}
