import Foundation
import ZoneGeometry

/// Everything the plan says, loaded from a GeoData folder: the layers, the industry vocabulary and
/// the rule pack, each validated. Loading is all or nothing.
public struct PlanData: Sendable {
    public var root: URL
    public var geodataVersion: String
    public var layers: [PlanLayer] { didSet { kinds = Self.kinds(of: layers) } }
    /// The feature kinds present, kept with `layers` so rules can ask per site without copying features.
    private var kinds: Set<FeatureKind>
    static func kinds(of layers: [PlanLayer]) -> Set<FeatureKind> {
        var k = Set<FeatureKind>()
        for l in layers { for f in l.features { k.insert(f.kind) } }
        return k
    }
    public var industries: IndustryCatalog
    public var rulePack: RulePack
    /// Where the plan came from, for people: "GeoData …" or "workspace …".
    public var origin: String = ""
    /// Version of each layer (GeoData version, or the workspace's layer version numbers).
    public var layerVersions: [String: String] = [:]
    /// The texts the vocabulary and rule pack were read from, so a workspace can keep them.
    public var industriesText: String = ""
    public var rulePackText: String = ""
    /// The text `clauses` was read from ("" when there is none), so a workspace keeps it too.
    public var clausesText: String = ""
    /// What each seed citation says (`clauses.yaml` in the GeoData root); `.empty` if there is none.
    public var clauses: ClauseBook = .empty
    /// The industry-policy catalogues (`policy-catalogue.yaml` in the GeoData root, plus any added).
    public var policy: PolicyCatalogues {
        get { industries.policy }
        set { industries.policy = newValue }
    }

    /// Adds a catalogue in the same format (e.g. a province's stricter lists).
    public mutating func addPolicyCatalogue(_ c: PolicyCatalogue) throws { try industries.policy.add(c) }

    public init(root: URL, geodataVersion: String, layers: [PlanLayer], industries: IndustryCatalog, rulePack: RulePack) {
        self.root = root; self.geodataVersion = geodataVersion; self.layers = layers
        self.industries = industries; self.rulePack = rulePack
        kinds = Self.kinds(of: layers)
    }

    public var allFeatures: [PlanFeature] { layers.flatMap(\.features) }

    /// What a plan snapshot is versioned by: GeoData, each layer's version, the rule pack and the
    /// vocabulary. Two plans with the same string give the same verdicts.
    public var snapshotVersion: String {
        let layerPart = layerVersions.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
        let policyPart = policy.isEmpty ? "" : "; policy " + policy.catalogues.map { "\($0.id)=\($0.version)" }.joined(separator: ",")
        return "geodata \(geodataVersion); layers \(layerPart); rule pack \(rulePack.version); vocabulary \(industries.version)\(policyPart)"
    }
    public func feature(id: String) -> PlanFeature? { allFeatures.first { $0.id == id } }
    public func features(kind: FeatureKind) -> [PlanFeature] { allFeatures.filter { $0.kind == kind } }
    /// Whether any layer has a feature of this kind (no copying: rules ask it per site).
    public func hasFeatures(kind: FeatureKind) -> Bool { kinds.contains(kind) }
    public func layer(named name: String) -> PlanLayer? { layers.first { $0.name == name } }

    /// Loads `manifest.json`, every layer it lists, `industries.yaml` and `rulepack.yaml` (and
    /// `clauses.yaml` and `policy-catalogue.yaml` where present).
    /// - Parameter ruleSchemas: the parameters each rule takes (from the vetting engine); the pack
    ///   is checked against them.
    public static func load(from root: URL, ruleSchemas: [String: [ParameterSpec]]) throws -> PlanData {
        let engine = GeometryEngine()
        let manifestURL = root.appendingPathComponent("manifest.json")
        let manifestName = display(manifestURL, root)
        guard let data = FileManager.default.contents(atPath: manifestURL.path) else {
            throw PlanDataError(file: manifestName, message: "cannot read the GeoData manifest (is \(root.path) a GeoData folder?)")
        }
        let manifest: JSONValue
        do { manifest = try JSONDecoder().decode(JSONValue.self, from: data) } catch {
            throw PlanDataError(file: manifestName, message: "not valid JSON")
        }
        guard let version = manifest["geodata_version"]?.stringValue, !version.isEmpty else {
            throw PlanDataError(file: manifestName, field: "geodata_version", message: "missing")
        }
        guard let layerList = manifest["layers"]?.arrayValue, !layerList.isEmpty else {
            throw PlanDataError(file: manifestName, field: "layers", message: "missing or empty")
        }

        let industriesDoc = try ConfigDocument(
            contentsOf: root.appendingPathComponent("industries.yaml"), displayName: display(root.appendingPathComponent("industries.yaml"), root))
        let industries = try IndustryCatalog.load(industriesDoc)

        var layers: [PlanLayer] = []
        var seen: [String: String] = [:]
        for (i, entry) in layerList.enumerated() {
            guard let name = entry["name"]?.stringValue, let file = entry["file"]?.stringValue else {
                throw PlanDataError(file: manifestName, field: "layers[\(i)]", message: "needs name and file")
            }
            let url = root.appendingPathComponent(file)
            let layer = try loadLayer(url: url, displayName: display(url, root), name: name,
                                      title: entry["title"]?.stringValue ?? name, industries: industries, engine: engine)
            for f in layer.features {
                if let other = seen[f.id] {
                    throw PlanDataError(file: layer.file, featureId: f.id, field: "id", message: "duplicate id (also in \(other))")
                }
                seen[f.id] = layer.file
            }
            layers.append(layer)
        }
        let packURL = root.appendingPathComponent("rulepack.yaml")
        let packDoc = try ConfigDocument(contentsOf: packURL, displayName: display(packURL, root))
        let pack = try RulePack.load(packDoc, schemas: ruleSchemas, catalog: industries)
        var plan = PlanData(root: root, geodataVersion: version, layers: layers, industries: industries, rulePack: pack)
        plan.origin = "GeoData \(version) at \(root.path)"
        plan.industriesText = industriesDoc.text
        plan.rulePackText = packDoc.text
        for l in layers { plan.layerVersions[l.name] = version }
        (plan.clauses, plan.clausesText) = try readClauses(in: root)
        if let c = try readPolicyCatalogue(in: root, vocabulary: industries) { try plan.addPolicyCatalogue(c) }
        return plan
    }

    /// Builds a plan from stored parts (a workspace): layer feature collections, the vocabulary
    /// and the rule pack as texts. The same checks as for a GeoData folder apply. Policy catalogues
    /// come as texts too; nil reads `policy-catalogue.yaml` in `root` if there is one.
    public static func assemble(origin: String, root: URL, geodataVersion: String,
                                layers: [(name: String, title: String, label: String, geojson: Data, version: String)],
                                industriesText: String, industriesLabel: String,
                                rulePackText: String, rulePackLabel: String,
                                clausesText: String? = nil, clausesLabel: String = "clauses.yaml",
                                policyCatalogues: [(label: String, text: String)]? = nil,
                                ruleSchemas: [String: [ParameterSpec]]) throws -> PlanData {
        let engine = GeometryEngine()
        let industriesDoc = try ConfigDocument(file: industriesLabel, text: industriesText)
        let industries = try IndustryCatalog.load(industriesDoc)
        var out: [PlanLayer] = []
        var seen: [String: String] = [:]
        var versions: [String: String] = [:]
        for l in layers {
            let features: [Feature]
            do { features = try GeoJSON.parseFeatures(l.geojson) } catch {
                throw PlanDataError(file: l.label, message: "\(error)")
            }
            var planFeatures: [PlanFeature] = []
            let validity = LayerValidity(features)
            for (i, f) in features.enumerated() {
                let pf = try planFeature(f, index: i, file: l.label, layer: l.name, industries: industries,
                                         engine: validity.known ? nil : engine)
                if let other = seen[pf.id] {
                    throw PlanDataError(file: l.label, featureId: pf.id, field: "id", message: "duplicate id (also in \(other))")
                }
                seen[pf.id] = l.label
                planFeatures.append(pf)
            }
            validity.passed()
            out.append(PlanLayer(name: l.name, title: l.title, file: l.label, features: planFeatures))
            versions[l.name] = l.version
        }
        let packDoc = try ConfigDocument(file: rulePackLabel, text: rulePackText)
        let pack = try RulePack.load(packDoc, schemas: ruleSchemas, catalog: industries)
        var plan = PlanData(root: root, geodataVersion: geodataVersion, layers: out, industries: industries, rulePack: pack)
        plan.origin = origin
        plan.layerVersions = versions
        plan.industriesText = industriesText
        plan.rulePackText = rulePackText
        if let clausesText {
            plan.clauses = try ClauseBook.load(ConfigDocument(file: clausesLabel, text: clausesText))
            plan.clausesText = clausesText
        } else {
            (plan.clauses, plan.clausesText) = try readClauses(in: root)
        }
        if let policyCatalogues {
            for (label, text) in policyCatalogues {
                try plan.addPolicyCatalogue(PolicyCatalogue.load(ConfigDocument(file: label, text: text), vocabulary: industries))
            }
        } else if let c = try readPolicyCatalogue(in: root, vocabulary: industries) {
            try plan.addPolicyCatalogue(c)
        }
        return plan
    }

    /// `policy-catalogue.yaml` in `root`, or nil when the folder has none (the rule is then not applied).
    static func readPolicyCatalogue(in root: URL, vocabulary: IndustryCatalog) throws -> PolicyCatalogue? {
        let url = root.appendingPathComponent("policy-catalogue.yaml")
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        return try PolicyCatalogues.read(url, displayName: display(url, root), vocabulary: vocabulary)
    }

    /// `clauses.yaml` in `root` and its text, or `.empty` and "" when the folder has none.
    static func readClauses(in root: URL) throws -> (ClauseBook, String) {
        let url = root.appendingPathComponent("clauses.yaml")
        guard FileManager.default.fileExists(atPath: url.path) else { return (.empty, "") }
        let doc = try ConfigDocument(contentsOf: url, displayName: display(url, root))
        return (try ClauseBook.load(doc), doc.text)
    }

    static func display(_ url: URL, _ root: URL) -> String {
        "\(root.lastPathComponent)/" + url.path.replacingOccurrences(of: root.path + "/", with: "")
    }

    /// Reads one layer file and checks every feature: provenance, kind, attributes, geometry.
    public static func loadLayer(url: URL, displayName: String, name: String, title: String,
                                 industries: IndustryCatalog, engine: GeometryEngine) throws -> PlanLayer {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw PlanDataError(file: displayName, message: "cannot read the layer file")
        }
        let features: [Feature]
        do { features = try GeoJSON.parseFeatures(data) } catch {
            throw PlanDataError(file: displayName, message: "\(error)")
        }
        var out: [PlanFeature] = []
        let validity = LayerValidity(features)
        for (i, f) in features.enumerated() {
            out.append(try planFeature(f, index: i, file: displayName, layer: name, industries: industries,
                                       engine: validity.known ? nil : engine))
        }
        validity.passed()
        return PlanLayer(name: name, title: title, file: displayName, features: out)
    }

    /// Whether GEOS already found every geometry of a layer valid (`ValidityMemo`: keyed by every
    /// coordinate, so any change is checked again); `passed()` remembers a layer that was checked.
    struct LayerValidity {
        let key: String
        let count: Int
        let known: Bool
        init(_ features: [Feature]) {
            let geometries = features.compactMap(\.geometry)
            key = ValidityMemo.key(geometries)
            count = geometries.count
            known = ValidityMemo.flags(for: key).map { $0.count == geometries.count && !$0.contains(false) } ?? false
        }
        func passed() { if !known { ValidityMemo.remember(Array(repeating: true, count: count), for: key) } }
    }

    /// `engine` nil: the geometry's validity is already known (`LayerValidity`); GEOS is not asked.
    static func planFeature(_ f: Feature, index: Int, file: String, layer: String,
                            industries: IndustryCatalog, engine: GeometryEngine?) throws -> PlanFeature {
        let p = f.properties
        let fallbackId = "features[\(index)]"
        func fail(_ field: String, _ message: String, id: String? = nil) -> PlanDataError {
            PlanDataError(file: file, featureId: id ?? (p["id"]?.stringValue ?? fallbackId), field: field, message: message)
        }
        func text(_ key: String) throws -> String {
            guard let v = p[key] else { throw fail(key, "missing") }
            guard let s = v.stringValue, !s.trimmingCharacters(in: .whitespaces).isEmpty else { throw fail(key, "expected a non-empty text") }
            return s
        }
        func terms(_ key: String, _ list: JSONValue?) throws -> [String] {
            guard let list else { return [] }
            guard let arr = list.arrayValue else { throw fail(key, "expected a list of industry terms") }
            return try arr.map { v in
                guard let t = v.stringValue else { throw fail(key, "expected a list of industry terms") }
                guard industries.terms[t] != nil else { throw fail(key, "unknown industry term '\(t)' (not in industries.yaml terms)") }
                return t
            }
        }
        let id = try text("id")
        if let fid = f.id?.stringValue, fid != id { throw fail("id", "Feature id '\(fid)' differs from properties.id '\(id)'") }
        let name = try text("name")
        let kindRaw = try text("kind")
        guard let kind = FeatureKind(rawValue: kindRaw) else {
            throw fail("kind", "unknown kind '\(kindRaw)' (known: \(FeatureKind.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        let source = try text("source")
        let method = try text("geometry_method")
        guard method.hasPrefix("derived") || method.hasPrefix("schematic") || method.hasPrefix("official") || method.hasPrefix("surveyed") else {
            throw fail("geometry_method", "must start with 'derived:', 'schematic:', 'official:' or 'surveyed:'")
        }
        guard case .bool(let schematic)? = p["schematic"] else { throw fail("schematic", "missing or not true/false") }
        guard schematic == method.hasPrefix("schematic") else {
            throw fail("schematic", "is \(schematic) but geometry_method says '\(method.prefix(12))…'")
        }
        guard let accuracy = p["accuracy_m"]?.doubleValue, accuracy >= 0 else { throw fail("accuracy_m", "missing or not a non-negative number of metres") }
        var stated: Double?
        if let s = p["stated_area_km2"] {
            guard let v = s.doubleValue, v > 0 else { throw fail("stated_area_km2", "expected a positive number of km²") }
            stated = v
        }
        var counties: [String] = []
        switch p["county"] {
        case .string(let s)?: counties = [s]
        case .array(let xs)?: counties = xs.compactMap(\.stringValue)
        default: break
        }
        if let a = p["adcode"]?.stringValue, counties.isEmpty { counties = [a] }
        var tier: PlatformTier?
        var category: FunctionZoneCategory?
        if kind == .platform {
            let raw = try text("tier")
            guard let t = PlatformTier(rawValue: raw) else {
                throw fail("tier", "unknown tier '\(raw)' (known: \(PlatformTier.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            tier = t
        }
        if kind == .functionZone {
            let raw = try text("category")
            guard let c = FunctionZoneCategory(rawValue: raw) else {
                throw fail("category", "unknown category '\(raw)' (known: optimized, key, ecological, prohibited)")
            }
            category = c
        }
        var guidance: Guidance?
        if let g = p["guidance"] {
            guard g.objectValue != nil else { throw fail("guidance", "expected {lead: [...], upgrade: [...], foster: [...]}") }
            for key in g.objectValue!.keys where !["lead", "upgrade", "foster"].contains(key) {
                throw fail("guidance.\(key)", "unknown list (expected lead, upgrade, foster)")
            }
            guidance = Guidance(lead: try terms("guidance.lead", g["lead"]),
                                upgrade: try terms("guidance.upgrade", g["upgrade"]),
                                foster: try terms("guidance.foster", g["foster"]))
        }
        let focus = try terms("industries", p["industries"])
        guard let geometry = f.geometry else { throw fail("geometry", "missing") }
        guard geometry.isPolygonal else { throw fail("geometry", "expected Polygon or MultiPolygon, got \(geometry.typeName)") }
        if let engine {
            let report: ValidityReport
            do { report = try engine.validity(geometry) } catch { throw fail("geometry", "\(error)") }
            if !report.isValid {
                let at = report.location.map { String(format: " at %.7f %.7f", $0.x, $0.y) } ?? ""
                throw fail("geometry", "invalid geometry: \(report.reason)\(at)")
            }
        }
        return PlanFeature(id: id, name: name, nameEn: p["name_en"]?.stringValue, kind: kind, layer: layer,
                           source: source, geometryMethod: method, schematic: schematic, accuracyM: accuracy,
                           statedAreaKm2: stated, counties: counties, tier: tier, category: category,
                           program: p["program"]?.stringValue, guidance: guidance, industries: focus,
                           properties: p, geometry: geometry)
    }
}

/// Where the GeoData folder is: an explicit path, `$ZONEPLAN_GEODATA`, `./GeoData`, or a `GeoData`
/// beside an ancestor of the executable (so a built `zoneplan` finds the repo's data).
public enum GeoDataLocator {
    public static let environmentVariable = "ZONEPLAN_GEODATA"

    public static func locate(explicit: String?, executable: String = CommandLine.arguments.first ?? "") -> (url: URL, how: String)? {
        let fm = FileManager.default
        func ok(_ u: URL) -> Bool { fm.fileExists(atPath: u.appendingPathComponent("manifest.json").path) }
        if let explicit { return (URL(fileURLWithPath: explicit), "--geodata") }
        if let env = ProcessInfo.processInfo.environment[environmentVariable], !env.isEmpty {
            return (URL(fileURLWithPath: env), "$\(environmentVariable)")
        }
        let cwd = URL(fileURLWithPath: fm.currentDirectoryPath).appendingPathComponent("GeoData")
        if ok(cwd) { return (cwd, "./GeoData") }
        var dir = URL(fileURLWithPath: executable).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<6 {
            let cand = dir.appendingPathComponent("GeoData")
            if ok(cand) { return (cand, "GeoData beside the executable") }
            dir = dir.deletingLastPathComponent()
        }
        return nil
    }
}
