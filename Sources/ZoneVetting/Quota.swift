import ZoneGeometry
import ZonePlan

/// A land-quota account: a county-level unit (by adcode) or a platform (by feature id), per year, in 亩.
public struct QuotaAccountKey: Hashable, Codable, Sendable, CustomStringConvertible {
    public enum Kind: String, Codable, Sendable, CaseIterable { case county, platform }
    public var kind: Kind
    public var ref: String
    public var year: Int
    public init(kind: Kind, ref: String, year: Int) { self.kind = kind; self.ref = ref; self.year = year }
    public var description: String { "\(kind.rawValue):\(ref):\(year)" }
}

/// What a decision would draw from an account.
public struct QuotaDraw: Codable, Sendable, Equatable {
    public var account: QuotaAccountKey
    public var mu: Double
    public var name: String
}

/// Read access to land-quota balances; the workspace implements it. Vetting without a workspace
/// has none, and then the quota rule is not run (the result says `quota_checked: false`).
public protocol QuotaLedger {
    /// Remaining 亩 in the account, or nil when the account does not exist.
    func balanceMu(_ key: QuotaAccountKey) throws -> Double?
}

/// Balances frozen at one moment (what a recorded decision saw), for replay.
public struct QuotaSnapshot: QuotaLedger, Codable, Sendable {
    public var balances: [String: Double]
    public init(balances: [String: Double]) { self.balances = balances }
    public func balanceMu(_ key: QuotaAccountKey) throws -> Double? { balances[key.description] }
}
