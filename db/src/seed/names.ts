/** Given names by gender and family names, per naming tradition; Chinese ones in pinyin with their characters. */

export interface NamePool {
  family: readonly string[]
  female: readonly string[]
  male: readonly string[]
}

export const CHINESE_FAMILY: readonly (readonly [string, string])[] = [
  ['Wang', '王'],
  ['Li', '李'],
  ['Zhang', '张'],
  ['Liu', '刘'],
  ['Chen', '陈'],
  ['Yang', '杨'],
  ['Huang', '黄'],
  ['Zhao', '赵'],
  ['Wu', '吴'],
  ['Zhou', '周'],
  ['Xu', '徐'],
  ['Sun', '孙'],
  ['Ma', '马'],
  ['Zhu', '朱'],
  ['Hu', '胡'],
  ['Guo', '郭'],
  ['He', '何'],
  ['Gao', '高'],
  ['Lin', '林'],
  ['Luo', '罗'],
  ['Zheng', '郑'],
  ['Liang', '梁'],
]
export const CHINESE_FEMALE: readonly (readonly [string, string])[] = [
  ['Fang', '芳'],
  ['Na', '娜'],
  ['Min', '敏'],
  ['Jing', '静'],
  ['Li', '丽'],
  ['Yan', '艳'],
  ['Juan', '娟'],
  ['Xia', '霞'],
  ['Xiulan', '秀兰'],
  ['Ting', '婷'],
  ['Xue', '雪'],
  ['Hui', '慧'],
  ['Yuqing', '雨晴'],
  ['Mei', '梅'],
  ['Lan', '兰'],
]
export const CHINESE_MALE: readonly (readonly [string, string])[] = [
  ['Wei', '伟'],
  ['Qiang', '强'],
  ['Lei', '磊'],
  ['Jun', '军'],
  ['Yang', '洋'],
  ['Yong', '勇'],
  ['Jie', '杰'],
  ['Tao', '涛'],
  ['Ming', '明'],
  ['Chao', '超'],
  ['Gang', '刚'],
  ['Hao', '浩'],
  ['Zhiwei', '志伟'],
  ['Jianguo', '建国'],
  ['Bo', '波'],
]

export const NAME_POOLS: Record<string, NamePool> = {
  en: {
    family: ['Smith', 'Johnson', 'Brown', 'Taylor', 'Miller', 'Davis', 'Wilson', 'Clark', 'Walker', 'Young', 'King', 'Scott'],
    female: ['Emma', 'Olivia', 'Sophia', 'Emily', 'Grace', 'Chloe', 'Hannah', 'Megan', 'Sarah', 'Jessica'],
    male: ['James', 'John', 'Michael', 'David', 'Daniel', 'Thomas', 'Oliver', 'Jack', 'Ryan', 'Ethan'],
  },
  de: {
    family: ['Müller', 'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Meyer', 'Wagner', 'Becker'],
    female: ['Anna', 'Lena', 'Lea', 'Hannah', 'Sophie', 'Katharina'],
    male: ['Lukas', 'Jonas', 'Leon', 'Felix', 'Maximilian', 'Paul'],
  },
  fr: {
    family: ['Martin', 'Bernard', 'Dubois', 'Thomas', 'Robert', 'Richard', 'Petit', 'Durand'],
    female: ['Camille', 'Léa', 'Manon', 'Chloé', 'Inès', 'Élodie'],
    male: ['Lucas', 'Hugo', 'Louis', 'Gabriel', 'Théo', 'Jules'],
  },
  es: {
    family: ['García', 'Martínez', 'López', 'Sánchez', 'Pérez', 'González', 'Rodríguez', 'Hernández'],
    female: ['Lucía', 'María', 'Sofía', 'Valentina', 'Camila', 'Elena'],
    male: ['Alejandro', 'Diego', 'Javier', 'Carlos', 'Mateo', 'Pablo'],
  },
  pt: {
    family: ['Silva', 'Santos', 'Oliveira', 'Souza', 'Costa', 'Pereira', 'Almeida', 'Ferreira'],
    female: ['Ana', 'Beatriz', 'Larissa', 'Juliana', 'Fernanda', 'Gabriela'],
    male: ['João', 'Pedro', 'Rafael', 'Lucas', 'Gustavo', 'Thiago'],
  },
  ru: {
    family: ['Ivanov', 'Smirnov', 'Kuznetsov', 'Popov', 'Volkov', 'Sokolov', 'Lebedev', 'Kozlov'],
    female: ['Anastasia', 'Maria', 'Daria', 'Elena', 'Olga', 'Natalia'],
    male: ['Alexander', 'Dmitry', 'Sergei', 'Ivan', 'Mikhail', 'Andrei'],
  },
  ar: {
    family: ['Al Mansouri', 'Al Hashimi', 'Haddad', 'Khalil', 'Nasser', 'Saleh'],
    female: ['Fatima', 'Aisha', 'Mariam', 'Layla', 'Noor', 'Huda'],
    male: ['Mohammed', 'Ahmed', 'Omar', 'Khalid', 'Yousef', 'Hassan'],
  },
  hi: {
    family: ['Sharma', 'Patel', 'Singh', 'Kumar', 'Gupta', 'Reddy', 'Iyer', 'Mehta'],
    female: ['Priya', 'Ananya', 'Divya', 'Kavya', 'Pooja', 'Sneha'],
    male: ['Rahul', 'Arjun', 'Vikram', 'Amit', 'Rohan', 'Sanjay'],
  },
  ja: {
    family: ['Sato', 'Suzuki', 'Takahashi', 'Tanaka', 'Watanabe', 'Ito', 'Yamamoto', 'Nakamura'],
    female: ['Yui', 'Sakura', 'Haruka', 'Aoi', 'Yuna', 'Misaki'],
    male: ['Haruto', 'Sota', 'Ren', 'Yuto', 'Takumi', 'Kenta'],
  },
  ko: {
    family: ['Kim', 'Lee', 'Park', 'Choi', 'Jung', 'Kang', 'Cho', 'Yoon'],
    female: ['Ji-woo', 'Seo-yeon', 'Min-ji', 'Ha-eun', 'Soo-ah', 'Ye-jin'],
    male: ['Min-jun', 'Seo-jun', 'Ji-ho', 'Hyun-woo', 'Do-yoon', 'Jae-won'],
  },
  vi: {
    family: ['Nguyen', 'Tran', 'Le', 'Pham', 'Hoang', 'Phan', 'Vu', 'Dang'],
    female: ['Linh', 'Trang', 'Huong', 'Mai', 'Thao', 'Ngoc'],
    male: ['Minh', 'Huy', 'Tuan', 'Duc', 'Khanh', 'Long'],
  },
}
