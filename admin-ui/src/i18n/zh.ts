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
    search: {
      label: '查找来电者',
      placeholder: '邮箱、电话、全名、订单号或客户编号',
      help: '按回车搜索，↑ ↓ 选择，回车打开。结果已遮蔽。',
      none: '没有匹配的客户。请核对拼写，或询问其他信息。',
      results: '%{smart_count} 个匹配',
      more: '显示 %{total} 个中的 %{shown} 个：请询问其他信息以缩小范围。',
    },
    customer: {
      none: '无记录。',
      masked: '已遮蔽：核验来电者后可查看详情',
      unmasked_verification: '来电者已核验：%{time} 前可见',
      unmasked_break_glass: '已填写理由开启：%{time} 前可见',
      verify: '核验此来电者',
      open_flags: '有 %{smart_count} 个待合规处理的标记',
      break_glass_open: '填写理由后查看',
      break_glass_help: '请写明为何需要查看该客户的资料。理由会随记录和审计日志一并保存；访问在明文查看时长内有效。',
      break_glass_confirm: '查看记录',
      reset_send: '发送密码重置链接',
      reset_confirm: '向登记的邮箱发送密码重置链接？员工永远看不到也不能设置密码。',
      reset_sent: '重置链接已发送至 %{recipient}。',
      addresses: '地址簿',
      payment_methods: '已保存的支付方式',
      orders: '近期订单',
      access_logs: '近期登录',
      verifications: '核验记录',
      open_requests: '待处理请求',
      break_glass: '填写理由后的查看记录',
      status: { active: '正常', locked: '已锁定', erased: '已删除' },
      fields: {
        email: '邮箱',
        phone: '电话',
        birth_date: '出生日期',
        gender: '性别',
        location: '所在地',
        created_at: '注册时间',
        last_login_at: '最近登录',
        guardian: '监护人',
      },
      address: { label: '标签', recipient: '收件人', street: '街道', city: '城市', postal_code: '邮政编码', country: '国家/地区' },
      card: { brand: '卡组织', number: '卡号', expires: '有效期' },
      order: { number: '订单号', placed_at: '下单时间', status: '状态', total: '金额' },
      log: { at: '时间', ip: 'IP 地址', device: '设备' },
      verification: { at: '时间', staff: '经办人', channel: '渠道', status: '结果' },
      request: { type: '类型', status: '状态', at: '提交时间' },
      grant: { at: '时间', staff: '经办人', reason: '理由' },
    },
    order: { delivered: '已送达', shipped: '已发货', paid: '已付款', cancelled: '已取消', refunded: '已退款' },
    channel: { phone: '电话', chat: '在线聊天', email: '邮件', in_person: '当面', sms: '短信' },
    verification_status: { pending: '进行中', verified: '通过', failed: '未通过', locked: '已锁定', expired: '已过期' },
    gender: { female: '女', male: '男', other: '其他', undisclosed: '未提供' },
    verify: {
      title: '核验来电者',
      menu: '核验来电者',
      other_caller: '换一位来电者',
      channel: '来电渠道',
      start: '开始核验',
      match: '一致',
      no_match: '不一致',
      caller_says: '来电者回答：%{question}',
      check: '核对',
      code: '一次性验证码：',
      code_needed: '所有回答均一致。本次核验还需要一次性验证码：请发送并让来电者读出。',
      send_code_email: '通过邮件发送',
      send_code_sms: '通过短信发送',
      code_sent: '验证码已发送至 %{recipient}。请让来电者读出。',
      code_label: '来电者读出的验证码',
      code_wrong: '验证码不一致。',
      verified: '来电者已核验，正在打开记录…',
      open_record: '打开记录',
      failed: '核验未通过。请勿透露或更改此账户的任何信息；可提出按登记的电话回拨。',
      locked: '多次核验失败，此客户的核验已被锁定，已通知合规部门。请礼貌地结束通话。',
      start_over: '重新开始',
      fields: {
        birth_date: '出生日期',
        postal_code: '登记地址的邮政编码',
        phone_last4: '电话号码后四位',
        email: '邮箱地址',
        order_number: '近期订单的订单号',
        card_last4: '已保存银行卡的后四位',
      },
      hints: {
        birth_date: '任意格式：1990-01-02、2 Jan 1990、1990年1月2日',
        postal_code: '空格和短横线不影响',
        phone_last4: '四位数字',
        email: '不区分大小写',
        order_number: '例如 TM20240101000000123',
        card_last4: '四位数字',
      },
    },
    flags: {
      resolve: '处理完毕',
      resolved: '标记已处理。',
      kinds: { verification_locked: '核验已锁定', agent_probing: '客服频繁查询多个客户' },
    },
    outbox: {
      status: { queued: '排队中', sent: '已发送', recorded: '已记录（未发送）', failed: '发送失败' },
      templates: { password_reset: '密码重置链接', verification_code: '验证码' },
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
    customers: {
      name: '客户',
      fields: { id: '编号', name: '姓名', email: '邮箱', phone: '电话', city: '城市', country: '国家/地区', status: '状态' },
    },
    flags: {
      name: '标记',
      fields: { created_at: '发起时间', kind: '类型', customer_id: '客户', staff_id: '员工编号', details: '详情', resolution: '处理说明', open: '仅未处理' },
    },
    outbox: {
      name: '发件箱',
      fields: { created_at: '排队时间', template: '消息', channel: '渠道', recipient: '收件人', customer_id: '客户', status: '状态', last_error: '错误' },
    },
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
