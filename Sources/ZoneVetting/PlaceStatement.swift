import ZonePlan

/// What a rule says about a place before any project is known (`zoneplan where`, `GET /where`).
/// Each rule words its own statement in its file, beside `evaluate`, so the place query restates
/// no rule: a change to a rule or its pack entry reaches both.
public struct PlaceStatement: Sendable, Codable, Equatable {
    public var rule: String
    /// `pass`/`warn`/`fail` when the place alone decides it, else `depends` (on the industry or figures).
    public var effect: String
    public var zh: String
    public var en: String
    public var zones: [String]
    public var citation: [String]

    public init(rule: String, effect: String, zh: String, en: String, zones: [String], citation: [String]) {
        self.rule = rule; self.effect = effect; self.zh = zh; self.en = en; self.zones = zones; self.citation = citation
    }
}

/// The place a rule is asked about: the plan features covering the point and, when no platform
/// covers it, the nearest platforms.
public struct PlaceFacts: Sendable {
    public var hits: [PlanFeature]
    public var nearestPlatforms: [NearestPlatform]

    public struct NearestPlatform: Sendable {
        public var id: String
        public var name: String
        public var distanceKm: Double
        public init(id: String, name: String, distanceKm: Double) { self.id = id; self.name = name; self.distanceKm = distanceKm }
    }

    public init(hits: [PlanFeature], nearestPlatforms: [NearestPlatform]) { self.hits = hits; self.nearestPlatforms = nearestPlatforms }

    var counties: [PlanFeature] { hits.filter { $0.kind == .county } }
    var platforms: [PlanFeature] { hits.filter { $0.kind == .platform } }
}

extension RuleSpec {
    /// An outcome word from the pack (`pass`/`warn`/`fail`); validated at load, so the default is
    /// only reached for a pack built in code.
    func outcome(_ name: String, default d: Outcome) -> Outcome { word(name).flatMap(Outcome.init(rawValue:)) ?? d }

    /// A quantity of the pack for a statement, "?" when unset.
    func statedQuantity(_ name: String) -> String { quantity(name).map { num($0) } ?? "?" }
}

extension RuleRegistry {
    /// Every enabled rule's statements about a place, in the rules' report order.
    public static func statements(about place: PlaceFacts, pack: RulePack) -> [PlaceStatement] {
        var out: [PlaceStatement] = []
        for rule in all {
            guard let spec = pack.rule(type(of: rule).id), spec.enabled else { continue }
            out += rule.place(place, spec: spec)
        }
        return out
    }
}
