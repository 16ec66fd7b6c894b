import Foundation
import ZoneGeometry
import ZoneVetting

/// Storage for a workspace. Two implementations: `SpatiaLiteStore` (one file, one official's
/// machine) and a PostGIS server store. Everything above this protocol — what a workspace does —
/// is shared (`Workspace`), so both behave the same.
///
/// A store is a single-thread object (one database connection); give each task its own.
public protocol WorkspaceStore: AnyObject {
    /// "SpatiaLite" or "PostGIS".
    var backendName: String { get }
    /// Where it is, safe to print (no password).
    var location: String { get }

    /// The schema version in the database (0 for a new, empty one).
    func schemaVersion() throws -> Int
    /// Applies the pending migrations (see `Migrations`), in order; returns the versions applied.
    func migrate() throws -> [Int]

    /// Runs `body` in one write transaction that excludes other writers (SpatiaLite: BEGIN
    /// IMMEDIATE; PostGIS: a transaction-scoped advisory lock). Everything commits or nothing does.
    func writeTransaction<T>(_ body: () throws -> T) throws -> T
    /// Inside a write transaction, `body`'s work undone alone when it throws (a savepoint).
    func savepoint<T>(_ body: () throws -> T) throws -> T
    /// Runs `body`'s reads on one consistent snapshot, without excluding writers.
    func readTransaction<T>(_ body: () throws -> T) throws -> T

    func insertDocument(_ d: StoredDocument) throws -> Int64
    func activeDocument(kind: StoredDocument.Kind) throws -> StoredDocument?
    func document(id: Int64) throws -> StoredDocument?
    /// The document of `kind` in force at `time` (ISO 8601 UTC): the last imported at or before it.
    func document(kind: StoredDocument.Kind, asOf time: String) throws -> StoredDocument?

    /// Adds a new version of a layer with its features (lon/lat), makes it the active version,
    /// and rewrites the layer's current table. Returns the stored version (id and number set).
    func insertLayerVersion(_ v: LayerVersion, features: [Feature]) throws -> LayerVersion
    func layerVersions(layer: String?, activeOnly: Bool) throws -> [LayerVersion]
    func layerVersion(id: Int64) throws -> LayerVersion?
    func layerFeatures(versionId: Int64) throws -> [Feature]

    func insertDecision(_ d: DecisionRecord) throws -> Int64
    func decisions(limit: Int?) throws -> [DecisionRecord]
    func decision(id: Int64) throws -> DecisionRecord?

    // Schema 4: the application as submitted, the supersede relation, idempotency keys.
    /// Keeps the raw bytes a decision was recorded from (in the caller's transaction).
    func insertDecisionInput(decisionId: Int64, _ input: SubmittedInput) throws
    func decisionInput(id: Int64) throws -> SubmittedInput?
    /// The decision that supersedes `id` (the first, should there be several), or nil.
    func supersedingDecision(of id: Int64) throws -> Int64?
    /// Every decision's id and the one it supersedes, in id order.
    func decisionLinks() throws -> [(id: Int64, supersedes: Int64?)]
    /// Decisions recorded since schema 4 that have no submitted input: half-written.
    func decisionsWithoutInput() throws -> [Int64]
    func idempotentResponse(key: String) throws -> (requestSha256: String, response: StoredResponse)?
    func insertIdempotentResponse(key: String, requestSha256: String, response: StoredResponse) throws

    /// The account's totals, or nil when it does not exist.
    func quotaStatus(_ key: QuotaAccountKey) throws -> QuotaStatus?
    func quotaStatuses(year: Int?) throws -> [QuotaStatus]
    /// Appends an entry (creating the account on its first allocation).
    func insertQuotaEntry(_ e: QuotaEntry) throws -> Int64
    func quotaEntries(_ key: QuotaAccountKey?) throws -> [QuotaEntry]

    /// The backend's own consistency check (SQLite: PRAGMA integrity_check); empty when sound.
    func integrityProblems() throws -> [String]
}

extension WorkspaceStore {
    /// The store's live balances, as the vetting rules read them.
    public var quotaLedger: QuotaLedger { StoreQuotaLedger(store: self) }
}

struct StoreQuotaLedger: QuotaLedger {
    let store: WorkspaceStore
    func balanceMu(_ key: QuotaAccountKey) throws -> Double? { try store.quotaStatus(key)?.balanceMu }
}
