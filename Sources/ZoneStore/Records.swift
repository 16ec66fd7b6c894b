import Foundation
import ZoneGeometry
import ZonePlan
import ZoneVetting

/// A vocabulary, rule-pack or clauses text kept in the workspace; decisions name the vocabulary and
/// rule pack they used.
public struct StoredDocument: Sendable, Equatable {
    public enum Kind: String, Sendable { case rulePack = "rulepack", industries, clauses, policyCatalogue = "policy-catalogue" }
    public var id: Int64?
    public var kind: Kind
    public var version: String
    public var sha256: String
    public var text: String
    public var importedBy: String
    public var importedAt: String
    public var source: String
    public var active: Bool

    public init(id: Int64? = nil, kind: Kind, version: String, sha256: String, text: String, importedBy: String,
                importedAt: String, source: String, active: Bool) {
        self.id = id; self.kind = kind; self.version = version; self.sha256 = sha256; self.text = text
        self.importedBy = importedBy; self.importedAt = importedAt; self.source = source; self.active = active
    }
}

/// One version of a layer: where it came from, who brought it in, when. Versions are never
/// deleted; importing a layer makes a new version active and keeps the old one in history.
public struct LayerVersion: Sendable, Equatable, Codable {
    public var id: Int64?
    public var layer: String
    public var version: Int
    public var title: String
    public var sourceFile: String
    public var sha256: String
    public var format: String
    public var importedBy: String
    public var importedAt: String
    public var featureCount: Int
    public var schematic: Bool
    public var note: String?
    public var active: Bool

    public init(id: Int64? = nil, layer: String, version: Int, title: String, sourceFile: String, sha256: String, format: String,
                importedBy: String, importedAt: String, featureCount: Int, schematic: Bool, note: String? = nil, active: Bool) {
        self.id = id; self.layer = layer; self.version = version; self.title = title; self.sourceFile = sourceFile
        self.sha256 = sha256; self.format = format; self.importedBy = importedBy; self.importedAt = importedAt
        self.featureCount = featureCount; self.schematic = schematic; self.note = note; self.active = active
    }

    enum CodingKeys: String, CodingKey {
        case id, layer, version, title
        case sourceFile = "source_file", sha256, format
        case importedBy = "imported_by", importedAt = "imported_at"
        case featureCount = "feature_count", schematic, note, active
    }
}

/// One entry of the decision ledger. Append-only: a revision is a new entry naming the one it supersedes.
public struct DecisionRecord: Sendable, Codable {
    public var id: Int64?
    public var recordedAt: String
    public var official: String
    public var note: String?
    public var inputSha256: String
    public var name: String
    public var industry: String
    public var verdict: Verdict
    public var areaMu: Double
    /// The application as submitted (a GeoJSON Feature).
    public var application: JSONValue
    public var result: VettingResult
    public var rulePackVersion: String
    public var rulePackDoc: Int64
    public var industriesDoc: Int64
    /// Layer name → layer-version id used.
    public var layerVersions: [String: Int64]
    /// The quota balances the decision saw (for replay).
    public var quotaSnapshot: QuotaSnapshot
    public var quotaYear: Int
    public var supersedes: Int64?
    public var site: Geometry

    enum CodingKeys: String, CodingKey {
        case id, recordedAt = "recorded_at", official, note, inputSha256 = "input_sha256", name, industry, verdict
        case areaMu = "area_mu", application, result, rulePackVersion = "rule_pack_version"
        case rulePackDoc = "rule_pack_doc", industriesDoc = "industries_doc", layerVersions = "layer_versions"
        case quotaSnapshot = "quota_snapshot", quotaYear = "quota_year", supersedes
        case site
    }

    public init(id: Int64? = nil, recordedAt: String, official: String, note: String?, inputSha256: String, name: String,
                industry: String, verdict: Verdict, areaMu: Double, application: JSONValue, result: VettingResult,
                rulePackVersion: String, rulePackDoc: Int64, industriesDoc: Int64, layerVersions: [String: Int64],
                quotaSnapshot: QuotaSnapshot, quotaYear: Int, supersedes: Int64?, site: Geometry) {
        self.id = id; self.recordedAt = recordedAt; self.official = official; self.note = note; self.inputSha256 = inputSha256
        self.name = name; self.industry = industry; self.verdict = verdict; self.areaMu = areaMu; self.application = application
        self.result = result; self.rulePackVersion = rulePackVersion; self.rulePackDoc = rulePackDoc; self.industriesDoc = industriesDoc
        self.layerVersions = layerVersions; self.quotaSnapshot = quotaSnapshot; self.quotaYear = quotaYear
        self.supersedes = supersedes; self.site = site
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decodeIfPresent(Int64.self, forKey: .id)
        recordedAt = try c.decode(String.self, forKey: .recordedAt)
        official = try c.decode(String.self, forKey: .official)
        note = try c.decodeIfPresent(String.self, forKey: .note)
        inputSha256 = try c.decode(String.self, forKey: .inputSha256)
        name = try c.decode(String.self, forKey: .name)
        industry = try c.decode(String.self, forKey: .industry)
        verdict = try c.decode(Verdict.self, forKey: .verdict)
        areaMu = try c.decode(Double.self, forKey: .areaMu)
        application = try c.decode(JSONValue.self, forKey: .application)
        result = try c.decode(VettingResult.self, forKey: .result)
        rulePackVersion = try c.decode(String.self, forKey: .rulePackVersion)
        rulePackDoc = try c.decode(Int64.self, forKey: .rulePackDoc)
        industriesDoc = try c.decode(Int64.self, forKey: .industriesDoc)
        layerVersions = try c.decode([String: Int64].self, forKey: .layerVersions)
        quotaSnapshot = try c.decode(QuotaSnapshot.self, forKey: .quotaSnapshot)
        quotaYear = try c.decode(Int.self, forKey: .quotaYear)
        supersedes = try c.decodeIfPresent(Int64.self, forKey: .supersedes)
        let g = try c.decode(JSONValue.self, forKey: .site)
        site = try GeoJSON.parseGeometry(g, path: "site")
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(id, forKey: .id)
        try c.encode(recordedAt, forKey: .recordedAt)
        try c.encode(official, forKey: .official)
        try c.encodeIfPresent(note, forKey: .note)
        try c.encode(inputSha256, forKey: .inputSha256)
        try c.encode(name, forKey: .name)
        try c.encode(industry, forKey: .industry)
        try c.encode(verdict, forKey: .verdict)
        try c.encode(areaMu, forKey: .areaMu)
        try c.encode(application, forKey: .application)
        try c.encode(result, forKey: .result)
        try c.encode(rulePackVersion, forKey: .rulePackVersion)
        try c.encode(rulePackDoc, forKey: .rulePackDoc)
        try c.encode(industriesDoc, forKey: .industriesDoc)
        try c.encode(layerVersions, forKey: .layerVersions)
        try c.encode(quotaSnapshot, forKey: .quotaSnapshot)
        try c.encode(quotaYear, forKey: .quotaYear)
        try c.encodeIfPresent(supersedes, forKey: .supersedes)
        try c.encode(GeoJSON.jsonValue(site), forKey: .site)
    }
}

/// One movement on a quota account: an allocation (+), a draw by a recorded decision (−), or
/// land returned (+: a cancelled approval, land taken back under 腾笼换鸟). Never edited.
public struct QuotaEntry: Sendable, Codable, Equatable {
    public enum Kind: String, Codable, Sendable { case allocate, draw, `return` }
    public var id: Int64?
    public var account: QuotaAccountKey
    public var accountName: String?
    public var at: String
    public var kind: Kind
    public var amountMu: Double
    public var decisionId: Int64?
    public var official: String
    public var note: String?

    public init(id: Int64? = nil, account: QuotaAccountKey, accountName: String? = nil, at: String, kind: Kind, amountMu: Double,
                decisionId: Int64? = nil, official: String, note: String? = nil) {
        self.id = id; self.account = account; self.accountName = accountName; self.at = at; self.kind = kind
        self.amountMu = amountMu; self.decisionId = decisionId; self.official = official; self.note = note
    }

    enum CodingKeys: String, CodingKey {
        case id, account, accountName = "account_name", at, kind, amountMu = "amount_mu", decisionId = "decision_id", official, note
    }
}

/// An account's totals.
public struct QuotaStatus: Sendable, Codable, Equatable {
    public var account: QuotaAccountKey
    public var name: String?
    public var allocatedMu: Double
    public var drawnMu: Double
    public var returnedMu: Double
    public var balanceMu: Double { allocatedMu - drawnMu + returnedMu }


    public init(account: QuotaAccountKey, name: String? = nil, allocatedMu: Double, drawnMu: Double, returnedMu: Double) {
        self.account = account; self.name = name; self.allocatedMu = allocatedMu; self.drawnMu = drawnMu; self.returnedMu = returnedMu
    }

    enum CodingKeys: String, CodingKey {
        case account, name, allocatedMu = "allocated_mu", drawnMu = "drawn_mu", returnedMu = "returned_mu"
    }
}

/// An application exactly as it was submitted: the bytes read (a GeoJSON file or request body, a
/// text-sequence record, a 报部 TXT) and, for a 报部 TXT, the bytes of its sidecar figures JSON.
/// `sha256` is of `bytes` as they are: the ledger's `input_sha256`.
public struct SubmittedInput: Sendable, Equatable {
    /// `geojson`, `geojson-record` (one record of a text sequence), `baobu-txt`, or
    /// `geojson-reserialised` when the original bytes could not be had (standard input read once).
    public var format: String
    public var bytes: Data
    public var sidecar: Data?
    public init(format: String, bytes: Data, sidecar: Data? = nil) {
        self.format = format; self.bytes = bytes; self.sidecar = sidecar
    }
    public var sha256: String { sha256Hex(bytes) }
}

/// The answer given to a request with an Idempotency-Key, kept to be given again.
public struct StoredResponse: Sendable, Hashable {
    public var status: Int
    public var body: Data
    public init(status: Int, body: Data) { self.status = status; self.body = body }
}

/// An Idempotency-Key used again with a different request (HTTP 422).
public struct IdempotencyKeyReused: Error, CustomStringConvertible, Sendable {
    public var key: String
    public init(key: String) { self.key = key }
    public var description: String {
        "Idempotency-Key '\(key)' was already used for a different request; use a new key for a new request"
    }
}

/// Errors of the workspace layer: input that cannot be stored, or a state that forbids the
/// operation. Storage failures are `SQLiteError` (or the PostGIS backend's error).
public struct WorkspaceError: Error, CustomStringConvertible, Sendable {
    public enum Kind: Sendable { case badInput, notFound, notInitialized, conflict }
    public var kind: Kind
    public var message: String
    public init(_ kind: Kind, _ message: String) { self.kind = kind; self.message = message }
    public var description: String { message }
}

public func sha256Hex(_ data: Data) -> String { SHA256.hash(Array(data)) }

public func nowISO() -> String { isoUTC(Date()) }

/// `2026-11-30T02:55:12.345Z`: what `ISO8601DateFormatter` with fractional seconds writes, without
/// making one (creating the formatter cost ~0.2 ms, paid several times per recorded decision).
public func isoUTC(_ date: Date) -> String {
    let t = date.timeIntervalSince1970
    var secs = time_t(t.rounded(.down))
    var ms = Int((t - Double(secs)) * 1000)
    if ms >= 1000 { secs += 1; ms -= 1000 }
    var tm = tm()
    gmtime_r(&secs, &tm)
    func pad(_ v: Int32, _ n: Int) -> String { let s = String(v); return String(repeating: "0", count: max(0, n - s.count)) + s }
    return "\(pad(tm.tm_year + 1900, 4))-\(pad(tm.tm_mon + 1, 2))-\(pad(tm.tm_mday, 2))T\(pad(tm.tm_hour, 2)):"
        + "\(pad(tm.tm_min, 2)):\(pad(tm.tm_sec, 2)).\(pad(Int32(ms), 3))Z"
}
