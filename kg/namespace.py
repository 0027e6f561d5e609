"""Terms of the kg: ontology and the other vocabularies the graph uses.

Generated from ontology/kg.ttl by scripts/gen_namespace.py; do not edit by hand.
"""
from __future__ import annotations

from rdflib.namespace import DefinedNamespace, Namespace
from rdflib.term import URIRef

NIF = Namespace("http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#")
ITSRDF = Namespace("http://www.w3.org/2005/11/its/rdf#")
GEO = Namespace("http://www.w3.org/2003/01/geo/wgs84_pos#")
KGR = Namespace("https://w3id.org/fjkg/id/")


class KG(DefinedNamespace):
    """The kg: ontology (https://w3id.org/fjkg/ontology#)."""

    _fail = True
    _NS = Namespace("https://w3id.org/fjkg/ontology#")

    # Classes
    AdministrativeCommittee: URIRef  # 管理委员会 / Administrative committee
    Agency: URIRef  # 机构 / Agency
    Airport: URIRef  # 机场 / Airport
    Berth: URIRef  # 泊位码头 / Berth
    BondedZone: URIRef  # 保税区 / Bonded zone
    Bridge: URIRef  # 桥梁 / Bridge
    Building: URIRef  # 建筑 / Building
    ConstructionProject: URIRef  # 建设工程 / Construction project
    CooperationZone: URIRef  # 合作区 / Cooperation zone
    CoordinationBody: URIRef  # 协调机构 / Coordination body
    Corridor: URIRef  # 廊道 / Corridor
    Country: URIRef  # 国家 / Country
    County: URIRef  # 县 / County
    CountyLevelCity: URIRef  # 县级市 / County-level city
    DataCenter: URIRef  # 数据中心 / Data centre
    DemonstrationZone: URIRef  # 示范区 / Demonstration zone
    Department: URIRef  # 政府部门 / Department
    DevelopmentAxis: URIRef  # 发展轴 / Development axis
    DevelopmentBelt: URIRef  # 发展带 / Development belt
    DevelopmentZone: URIRef  # 开发区 / Development zone
    District: URIRef  # 市辖区 / District
    Document: URIRef  # 规划文件 / Planning document
    EconomicCorridor: URIRef  # 走廊 / Economic corridor
    EnergyFacility: URIRef  # 能源设施 / Energy facility
    ExtractionRule: URIRef  # 抽取规则 / Extraction rule
    FinancialRegulator: URIRef  # 金融监管机构 / Financial regulator
    ForeignCity: URIRef  # 境外城市 / Foreign city
    FreeTradeZone: URIRef  # 自由贸易区 / Free trade zone
    Gazetteer: URIRef  # 地名录 / Gazetteer
    Government: URIRef  # 人民政府 / Government
    GreenCorridor: URIRef  # 生态廊道 / Green corridor
    HighSpeedRailway: URIRef  # 高速铁路 / High-speed railway
    HighTechZone: URIRef  # 高新区 / High-tech zone
    Highway: URIRef  # 高速公路 / Expressway
    Hospital: URIRef  # 医院 / Hospital
    IndustrialBase: URIRef  # 产业基地 / Industrial base
    IndustrialPark: URIRef  # 工业园区 / Industrial park
    IntercityRailway: URIRef  # 城际铁路 / Intercity railway
    InvestmentZone: URIRef  # 投资区 / Investment zone
    LogisticsPark: URIRef  # 物流园区 / Logistics park
    Mention: URIRef  # 提及 / Mention
    MetroLine: URIRef  # 轨道交通 / Metro line
    NewArea: URIRef  # 新区新城 / New area
    Office: URIRef  # 办公室 / Office
    Park: URIRef  # 园区 / Park
    Pipeline: URIRef  # 管网 / Pipeline
    PlanningRegion: URIRef  # 规划区域 / Planning region
    Port: URIRef  # 港口 / Port
    PortArea: URIRef  # 港区 / Port area
    PowerGrid: URIRef  # 电网工程 / Power grid project
    PowerPlant: URIRef  # 电站 / Power plant
    PrefectureCity: URIRef  # 设区市 / Prefecture-level city
    Project: URIRef  # 项目 / Project
    Province: URIRef  # 省 / Province
    Railway: URIRef  # 铁路 / Railway
    Region: URIRef  # 区域 / Region
    Reservoir: URIRef  # 水库 / Reservoir
    Road: URIRef  # 公路 / Road
    SciencePark: URIRef  # 科技园 / Science park
    SpecialZone: URIRef  # 特区 / Special zone
    Station: URIRef  # 车站 / Station
    Subdistrict: URIRef  # 街道 / Subdistrict
    Territory: URIRef  # 地区 / Territory
    Town: URIRef  # 镇 / Town
    TownLevelUnit: URIRef  # 类似乡级单位 / Town-level unit
    Township: URIRef  # 乡 / Township
    TransportCorridor: URIRef  # 通道 / Transport corridor
    TransportHub: URIRef  # 交通枢纽 / Transport hub
    Tunnel: URIRef  # 隧道 / Tunnel
    WaterProject: URIRef  # 水利工程 / Water project
    WaterWorks: URIRef  # 水厂 / Waterworks

    # Object properties
    connects: URIRef  # 连接 / connects
    issuedBy: URIRef  # 发布机关 / issued by
    jurisdiction: URIRef  # 辖区 / jurisdiction
    locatedIn: URIRef  # 位于 / located in
    memberOf: URIRef  # 成员 / member of
    responsibleFor: URIRef  # 负责 / responsible for

    # Datatype properties
    confidence: URIRef  # 置信度 / confidence
    divisionCode: URIRef  # 区划代码 / division code
    documentNumber: URIRef  # 文号 / document number
    inclusion: URIRef  # 纳入方式 / inclusion
    role: URIRef  # 角色 / role
    scope: URIRef  # 规划范围 / planning scope
    sourceEncoding: URIRef  # 源文件编码 / source encoding
