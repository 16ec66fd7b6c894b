import ZoneGeometry

/// What a feature of the plan is. The raw values are the `kind` property in GeoData.
public enum FeatureKind: String, Sendable, CaseIterable, Codable {
    case city, county
    case core, coreRing = "core_ring", mainCity = "main_city", belt, district
    case binhaiCluster = "binhai_cluster", linkArea = "link_area"
    case platform
    case functionZone = "function_zone"
    case cluster
    /// An approved parcel (e.g. imported from a 报部 TXT).
    case parcel
    /// The land part of a county (GSHHG shoreline ∩ county): what is not land is sea.
    case land
}

/// Development-platform tier (000:343, 000:349, 001:205–).
public enum PlatformTier: String, Sendable, CaseIterable, Codable {
    case national, provincial, regional
    case seiArea = "sei_area"
    case town
    case official  // an approved boundary imported by an official

    public var chinese: String {
        switch self {
        case .national: return "国家级开发区"
        case .provincial: return "省级开发区（工业园区）"
        case .regional: return "区域性产业集聚区"
        case .seiArea: return "战略性新兴产业集聚区"
        case .town: return "市镇工业园区"
        case .official: return "已批准园区边界"
        }
    }
}

/// Main functional zone category 主体功能区 (000:306–314).
public enum FunctionZoneCategory: String, Sendable, CaseIterable, Codable {
    case optimized, key, ecological, prohibited

    public var chinese: String {
        switch self {
        case .optimized: return "优化开发区"
        case .key: return "重点开发区"
        case .ecological: return "生态经济区"
        case .prohibited: return "禁止开发区"
        }
    }
}

/// Industry guidance of a layout area: 重点布局 / 改造提升 / 培育发展 (000:286–298).
public struct Guidance: Sendable, Hashable, Codable {
    public var lead: [String]
    public var upgrade: [String]
    public var foster: [String]
    public init(lead: [String] = [], upgrade: [String] = [], foster: [String] = []) {
        self.lead = lead; self.upgrade = upgrade; self.foster = foster
    }
    public var isEmpty: Bool { lead.isEmpty && upgrade.isEmpty && foster.isEmpty }
    public var allTerms: [String] { lead + upgrade + foster }
}

/// One feature of a GeoData layer, with its provenance. Geometry is lon/lat (WGS84 / CGCS2000,
/// which agree to well under a metre here).
public struct PlanFeature: Sendable {
    public var id: String
    public var name: String
    public var nameEn: String?
    public var kind: FeatureKind
    public var layer: String
    public var source: String
    public var geometryMethod: String
    public var schematic: Bool
    public var accuracyM: Double
    public var statedAreaKm2: Double?
    public var counties: [String]
    public var tier: PlatformTier?
    public var category: FunctionZoneCategory?
    public var program: String?
    public var guidance: Guidance?
    public var industries: [String]
    /// Every property as the file has it, for display and export.
    public var properties: [String: JSONValue]
    public var geometry: Geometry

    public var displayName: String { nameEn.map { "\(name) (\($0))" } ?? name }
}

/// One layer (a GeoJSON file listed in the manifest).
public struct PlanLayer: Sendable {
    public var name: String
    public var title: String
    public var file: String
    public var features: [PlanFeature]
}
