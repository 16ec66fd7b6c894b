/// The workspace schema, as numbered steps. Both backends have the same steps with the same
/// numbers and descriptions (a test checks it); they are written once and spelled per `SQLDialect`. A step is applied
/// once, in order, and recorded in `zp_migrations`; there is no implicit schema change.
public struct Migration: Sendable {
    public var version: Int
    public var description: String
    public var statements: [String]
}

public enum Migrations {
    public static let descriptions: [(Int, String)] = [
        (1, "metadata, documents (rule pack, vocabulary), layer versions and feature history"),
        (2, "decision ledger (append-only)"),
        (3, "land-quota accounts and entries (append-only)"),
        (4, "a decision is superseded at most once; the application as submitted (raw bytes); idempotency keys"),
    ]

    public static var latest: Int { descriptions.map(\.0).max() ?? 0 }

    /// SpatiaLite dialect. Geometry columns are registered with AddGeometryColumn (SRID 4326) and
    /// get an R*Tree index, so QGIS and `ogrinfo` open every table as a layer.
    public static let spatialite: [Migration] = build(.spatialite)

    /// PostGIS dialect. Geometry columns are `geometry(MultiPolygon, 4326)` with GiST indexes, so
    /// QGIS and GDAL open every table as on any PostGIS database. The append-only tables refuse
    /// UPDATE, DELETE and TRUNCATE with triggers, as in SpatiaLite. The `postgis` extension itself
    /// is created (or required) by the store before the first step.
    public static let postgis: [Migration] = build(.postgis)

    /// The steps in `dialect`.
    public static func steps(_ dialect: SQLDialect) -> [Migration] { dialect == .spatialite ? spatialite : postgis }

    /// The steps, written once: `d` spells the types, the geometry columns and the triggers.
    static func build(_ d: SQLDialect) -> [Migration] {
        let (key, text, int, ref, real, bool, blob) = (d.identityKey(), d.text, d.integer, d.bigint, d.real, d.boolean, d.blob)
        return [
            Migration(version: 1, description: descriptions[0].1, statements: [
                "CREATE TABLE IF NOT EXISTS zp_meta (key \(text) PRIMARY KEY, value \(text) NOT NULL)",
            ] + d.appendOnlyFunction + [
                """
                CREATE TABLE zp_documents (id \(key), kind \(text) NOT NULL, version \(text) NOT NULL,
                  sha256 \(text) NOT NULL, text \(text) NOT NULL, imported_by \(text) NOT NULL, imported_at \(text) NOT NULL,
                  source \(text) NOT NULL, active \(bool) NOT NULL DEFAULT \(d.falseLiteral))
                """,
                """
                CREATE TABLE zp_layer_versions (id \(key), layer \(text) NOT NULL, version \(int) NOT NULL,
                  title \(text) NOT NULL, source_file \(text) NOT NULL, sha256 \(text) NOT NULL, format \(text) NOT NULL,
                  imported_by \(text) NOT NULL, imported_at \(text) NOT NULL, feature_count \(int) NOT NULL,
                  schematic \(bool) NOT NULL, note \(text), active \(bool) NOT NULL DEFAULT \(d.falseLiteral), UNIQUE (layer, version))
                """,
                """
                CREATE TABLE zp_feature_history (id \(key),
                  layer_version_id \(ref) NOT NULL REFERENCES zp_layer_versions(id), feature_id \(text) NOT NULL,
                  name \(text), kind \(text), properties \(text) NOT NULL\(d.inlineGeometryColumn))
                """,
            ] + d.spatialColumn("zp_feature_history") + [
                "CREATE INDEX zp_feature_history_version ON zp_feature_history (layer_version_id)",
            ] + d.appendOnly("zp_feature_history", update: "layer history is append-only", delete: "layer history is append-only")),
            Migration(version: 2, description: descriptions[1].1, statements: [
                """
                CREATE TABLE zp_decisions (id \(key), recorded_at \(text) NOT NULL, official \(text) NOT NULL,
                  note \(text), input_sha256 \(text) NOT NULL, name \(text) NOT NULL, industry \(text) NOT NULL, verdict \(text) NOT NULL,
                  area_mu \(real) NOT NULL, record \(text) NOT NULL, rule_pack_version \(text) NOT NULL,
                  supersedes \(ref) REFERENCES zp_decisions(id)\(d.inlineGeometryColumn))
                """,
            ] + d.spatialColumn("zp_decisions")
              + d.appendOnly("zp_decisions", update: "the decision ledger is append-only: record a revision that supersedes the entry",
                             delete: "the decision ledger is append-only")),
            Migration(version: 3, description: descriptions[2].1, statements: [
                """
                CREATE TABLE zp_quota_accounts (id \(key),
                  kind \(text) NOT NULL CHECK (kind IN ('county', 'platform')), ref \(text) NOT NULL, year \(int) NOT NULL,
                  name \(text), UNIQUE (kind, ref, year))
                """,
                """
                CREATE TABLE zp_quota_entries (id \(key),
                  account_id \(ref) NOT NULL REFERENCES zp_quota_accounts(id), at \(text) NOT NULL,
                  entry \(text) NOT NULL CHECK (entry IN ('allocate', 'draw', 'return')), amount_mu \(real) NOT NULL,
                  decision_id \(ref) REFERENCES zp_decisions(id), official \(text) NOT NULL, note \(text))
                """,
                "CREATE INDEX zp_quota_entries_account ON zp_quota_entries (account_id)",
            ] + d.appendOnly("zp_quota_entries", update: "quota entries are append-only: add a return or allocation entry",
                             delete: "quota entries are append-only")),
            // A revision names the decision it supersedes; two revisions of one decision would each
            // return its land (NULLs, decisions that supersede nothing, never collide). The raw
            // bytes of what was submitted (GeoJSON, or a 报部 TXT with its sidecar figures JSON) are
            // kept beside the decision, written in the same transaction; decisions recorded before
            // this step have none (their id bound is kept in zp_meta for `verify`). Idempotency
            // keys of `POST /decisions` keep the answer given, so a retry gets it again.
            Migration(version: 4, description: descriptions[3].1, statements: [
                "CREATE UNIQUE INDEX zp_decisions_supersedes_once ON zp_decisions (supersedes)",
                """
                CREATE TABLE zp_decision_inputs (decision_id \(ref) PRIMARY KEY REFERENCES zp_decisions(id),
                  format \(text) NOT NULL, sha256 \(text) NOT NULL, bytes \(blob) NOT NULL, sidecar \(blob), sidecar_sha256 \(text))
                """,
            ] + d.appendOnly("zp_decision_inputs", update: "the decision ledger is append-only: submitted inputs are never edited",
                             delete: "the decision ledger is append-only") + [
                """
                CREATE TABLE zp_idempotency (key \(text) PRIMARY KEY, request_sha256 \(text) NOT NULL, status \(int) NOT NULL,
                  response \(blob) NOT NULL, created_at \(text) NOT NULL)
                """,
                "INSERT INTO zp_meta (key, value) SELECT 'inputs_kept_after_decision', CAST(coalesce(max(id), 0) AS TEXT) FROM zp_decisions",
            ]),
        ]
    }
}
