import ArgumentParser
import Foundation
import ZoneGeometry
import ZonePlan
import ZoneService
import ZoneStore
import ZoneVetting

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a workspace (SpatiaLite file, or a PostGIS database) and load GeoData into it.",
        discussion: "Default workspace: \(WorkspaceLocator.defaultPath) ($\(WorkspaceLocator.environmentVariable) or --db override it).")

    @Option(name: .long, help: ArgumentHelp("Workspace to create: a file path or postgres:// URL.", valueName: "path|url"))
    var db: String?

    @Option(name: .long, help: ArgumentHelp("GeoData folder to load (default: the repository's GeoData).", valueName: "dir"))
    var geodata: String?

    @OptionGroup var official: OfficialOption

    @Flag(name: .long, help: "Do not say on stderr which data is used.")
    var quiet = false

    func run() throws {
        let location = db ?? ProcessInfo.processInfo.environment[WorkspaceLocator.environmentVariable].flatMap { $0.isEmpty ? nil : $0 }
            ?? WorkspaceLocator.defaultPath
        var source = GeoDataOptions()
        source.geodata = geodata
        source.quiet = quiet
        source.db = nil
        guard let (url, _) = GeoDataLocator.locate(explicit: geodata) else {
            fail("no GeoData folder found: pass --geodata DIR", code: Exit.badGeoData)
        }
        source.geodata = url.path
        let plan = try source.load()
        do {
            let store = try WorkspaceLocator.open(location, create: true)
            let ws = Workspace(store: store)
            var files: [String: (label: String, sha256: String)] = [:]
            for l in plan.layers {
                let path = url.appendingPathComponent(String(l.file.split(separator: "/", maxSplits: 1).last ?? ""))
                if let d = FileManager.default.contents(atPath: path.path) {
                    files[l.name] = (l.file, SHA256.hash(Array(d)))
                }
            }
            let applied = try ws.initialize(from: plan, official: official.name, files: files)
            writeOut("initialised \(store.backendName) workspace \(WorkspaceLocator.redacted(location))\n")
            writeOut("schema migrations applied: \(applied.map(String.init).joined(separator: ", ")) (schema version \(try store.schemaVersion()))\n")
            for v in try store.layerVersions(layer: nil, activeOnly: true) {
                writeOut("  layer \(v.layer) v\(v.version): \(v.featureCount) features\(v.schematic ? " (schematic)" : "") from \(v.sourceFile)\n")
            }
            writeOut("rule pack \(plan.rulePack.version); industries \(plan.industries.version)\n")
        } catch {
            failWith(error)
        }
    }
}

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Replace or add a workspace layer from GeoJSON, an ESRI Shapefile or a 报部 TXT; or replace the rule pack or the policy catalogue.",
        discussion: """
        The file is checked whole before anything is stored; the replaced version stays in the layer's \
        history. --id-field values become the feature ids exactly. An import that would leave a quota \
        account or a decision naming a feature the new layer lacks lists them and is refused (exit 2, \
        nothing stored) unless --force. Examples:
          zoneplan import function_zones 主体功能区.shp --category-field LX --accuracy 5
          zoneplan import platforms park.geojson --tier provincial
          zoneplan import parcels 报批.txt
          zoneplan import rulepack rulepack.yaml
          zoneplan import policy-catalogue policy-catalogue.yaml
        """)

    @OptionGroup var data: GeoDataOptions

    @Argument(help: "Layer name (e.g. function_zones, platforms, parcels), or `rulepack`, or `policy-catalogue`.")
    var layer: String

    @Argument(help: "The file: .geojson/.json, .shp (with .dbf/.shx/.prj), 报部 .txt, or .yaml for the rule pack.")
    var file: String

    @Option(name: .long, help: "What the features are (function_zone, platform, parcel, …; default from the layer name).")
    var kind: String?

    @Option(name: .customLong("id-field"), help: "Attribute holding a stable id; its values become the feature ids exactly as written.")
    var idField: String?

    @Flag(name: .long, help: "Import even when quota accounts or decisions would then name features the new layer lacks (they are listed).")
    var force = false

    @Option(name: .customLong("name-field"), help: "Attribute holding the name (default: name, 名称, MC).")
    var nameField: String?

    @Option(name: .customLong("category-field"), help: "Functional zones: attribute holding the category (优化/重点/生态/禁止开发区).")
    var categoryField: String?

    @Option(name: .long, help: "Platforms: tier of every feature (national, provincial, regional, sei_area, town, official).")
    var tier: String?

    @Option(name: .long, help: "CRS of the file when it does not say (EPSG:4549, EPSG:4528, EPSG:4490, EPSG:4326).")
    var crs: String?

    @Option(name: .long, help: "Positional accuracy of the official geometry, metres.")
    var accuracy: Double = 1

    @Option(name: .long, help: "Layer title.")
    var title: String?

    @Option(name: .long, help: "A note for the layer history.")
    var note: String?

    @OptionGroup var official: OfficialOption

    func validate() throws {
        if let kind, FeatureKind(rawValue: kind) == nil {
            throw ValidationError("--kind '\(kind)' is not one of \(FeatureKind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if let tier, PlatformTier(rawValue: tier) == nil { throw ValidationError("--tier '\(tier)' is not a tier") }
        if !(accuracy >= 0) { throw ValidationError("--accuracy must be a non-negative number of metres") }
    }

    func run() throws {
        let ws = data.workspace()
        do {
            if layer == "rulepack" {
                guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { throw WorkspaceError(.badInput, "\(file): cannot read the file") }
                let d = try ws.importRulePack(text: text, source: file, official: official.name)
                writeOut("rule pack \(d.version) imported from \(file) (sha256 \(d.sha256.prefix(12))…), now active\n")
                return
            }
            if layer == "policy-catalogue" {
                guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { throw WorkspaceError(.badInput, "\(file): cannot read the file") }
                let d = try ws.importPolicyCatalogue(text: text, source: file, official: official.name)
                writeOut("industry-policy catalogue \(d.version) imported from \(file) (sha256 \(d.sha256.prefix(12))…), now active\n")
                return
            }
            let crsValue = try crs.map { try CRS.parse($0) }
            let imported = try LayerImporter.read(path: file, options: .init(
                layer: layer, kind: kind.flatMap(FeatureKind.init(rawValue:)), idField: idField, nameField: nameField,
                categoryField: categoryField, tier: tier.flatMap(PlatformTier.init(rawValue:)), crs: crsValue,
                accuracyM: accuracy, official: official.name))
            for w in imported.warnings { zoneplan.note("warning: \(w)") }
            let done = try ws.replaceLayer(name: layer, title: title, features: imported.features, sourceFile: file,
                                           sha256: imported.sha256, format: imported.format.rawValue, official: official.name,
                                           note: note, force: force)
            let v = done.version
            for o in done.orphans { zoneplan.note("warning: orphaned by --force: \(o)") }
            let history = try ws.store.layerVersions(layer: layer, activeOnly: false)
            writeOut("layer \(layer) v\(v.version): \(v.featureCount) features imported from \(file) (\(imported.format.rawValue), sha256 \(imported.sha256.prefix(12))…) by \(official.name)\n")
            if history.count > 1 { writeOut("previous versions kept in history: \(history.dropLast().map { "v\($0.version)" }.joined(separator: ", "))\n") }
        } catch let e as CRSError {
            fail("--crs: \(e)", code: Exit.badInput)
        } catch let e as ImportWouldOrphan {
            for o in e.orphans { zoneplan.note("would orphan: \(o)") }
            fail("importing layer \(e.layer) would orphan \(e.orphans.count) record(s) listed above: nothing imported; "
                 + "keep the features' ids (--id-field) or re-run with --force", code: Exit.badInput)
        } catch {
            failWith(error)
        }
    }
}

struct LedgerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ledger",
        abstract: "The decision ledger: list, show, export and replay recorded decisions.",
        subcommands: [List.self, Show.self, Export.self, Replay.self, Verify.self, Migrate.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List recorded decisions.")
        @OptionGroup var data: GeoDataOptions
        @Option(name: .long, help: "Only the last N.") var last: Int?
        func run() throws {
            let ws = data.workspace()
            do {
                let rows = try ws.store.decisions(limit: last).map { d in
                    ["\(d.id ?? 0)", ChinaTime.display(iso: d.recordedAt), d.verdict.rawValue, d.name,
                     d.industry, num2(d.areaMu), d.official, d.supersedes.map { "#\($0)" } ?? "", d.note ?? ""]
                }
                writeOut(Report.table(header: ["id", "recorded", "verdict", "name", "industry", "亩", "official", "supersedes", "note"], rows: rows, indent: ""))
            } catch { failWith(error) }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one decision with its findings and versions.")
        @OptionGroup var data: GeoDataOptions
        @Argument(help: "Decision id.") var id: Int64
        @Option(name: .long, help: "text or json.") var format: String = "text"
        func run() throws {
            let ws = data.workspace()
            do {
                guard let d = try ws.store.decision(id: id) else { throw WorkspaceError(.notFound, "no decision \(id)") }
                if format == "json" {
                    let enc = JSONEncoder(); enc.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                    writeOut(String(decoding: try enc.encode(d), as: UTF8.self) + "\n")
                    return
                }
                writeOut("decision \(id) — recorded \(ChinaTime.display(iso: d.recordedAt)) by \(d.official)\(d.supersedes.map { ", supersedes \($0)" } ?? "")\n")
                if let n = d.note { writeOut("note: \(n)\n") }
                writeOut("input sha256 \(d.inputSha256); rule pack \(d.rulePackVersion); quota year \(d.quotaYear)\n")
                writeOut("layer versions: " + d.layerVersions.sorted { $0.key < $1.key }.map { "\($0.key)#\($0.value)" }.joined(separator: ", ") + "\n")
                if let c = try ws.caseSigning(decisionId: id) {
                    writeOut("case \(c.id): 经办 → 审核 → 签发\n" + caseChain(c))
                }
                writeOut(Report.text(d.result))
                let entries = try ws.store.quotaEntries(nil).filter { $0.decisionId == id }
                for e in entries { writeOut("quota: \(e.kind.rawValue) \(num2(e.amountMu)) 亩 \(e.account)\n") }
            } catch { failWith(error) }
        }
    }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Export the ledger as JSON Lines or GeoJSON (sites with verdicts), or one decision's application as submitted.",
            discussion: """
            `--id N --raw` writes the bytes decision N was recorded from, exactly as submitted (a GeoJSON file, \
            a text-sequence record, a 报部 TXT); `--sidecar` writes a 报部 TXT's figures JSON instead. Their SHA-256 is \
            the decision's input sha256 (`ledger show`).
            """)
        @OptionGroup var data: GeoDataOptions
        @Argument(help: "Output file (- for standard output).") var output: String = "-"
        @Option(name: .long, help: "jsonl or geojson.") var format: String = "jsonl"
        @Option(name: .long, help: "Only this decision.") var id: Int64?
        @Flag(name: .long, help: "With --id: the application's bytes as submitted.") var raw = false
        @Flag(name: .long, help: "With --id: the 报部 TXT's sidecar figures JSON as submitted.") var sidecar = false
        func validate() throws {
            guard ["jsonl", "geojson"].contains(format) else { throw ValidationError("--format must be jsonl or geojson") }
            if (raw || sidecar) && id == nil { throw ValidationError("--raw and --sidecar need --id N") }
            if raw && sidecar { throw ValidationError("give --raw or --sidecar, not both") }
        }
        func write(_ out: Data, _ what: String) throws {
            if output == "-" { FileHandle.standardOutput.write(out) } else {
                guard FileManager.default.createFile(atPath: output, contents: out) else { throw WorkspaceError(.badInput, "\(output): cannot write") }
                writeOut("\(what) written to \(output)\n")
            }
        }
        func run() throws {
            let ws = data.workspace()
            do {
                if let id, raw || sidecar {
                    guard try ws.store.decision(id: id) != nil else { throw WorkspaceError(.notFound, "no decision \(id)") }
                    guard try ws.store.schemaVersion() >= 4, let input = try ws.store.decisionInput(id: id) else {
                        throw WorkspaceError(.notFound, "decision \(id) was recorded before the ledger kept submitted inputs")
                    }
                    if sidecar {
                        guard let s = input.sidecar else { throw WorkspaceError(.notFound, "decision \(id) was not submitted with a sidecar (\(input.format))") }
                        return try write(s, "decision \(id)'s sidecar (\(s.count) bytes)")
                    }
                    return try write(input.bytes, "decision \(id)'s input (\(input.format), \(input.bytes.count) bytes, sha256 \(input.sha256))")
                }
                let all = try ws.store.decisions(limit: nil).filter { id == nil || $0.id == id }
                if let id, all.isEmpty { throw WorkspaceError(.notFound, "no decision \(id)") }
                var out = Data()
                if format == "jsonl" {
                    for d in all { out += try JSONEncoder.compact.encode(d); out += Data("\n".utf8) }
                } else {
                    let features = all.map { d -> Feature in
                        var p = d.result.application
                        p["decision_id"] = .number(Double(d.id ?? 0))
                        p["verdict"] = .string(d.verdict.rawValue)
                        p["area_mu"] = .number((d.areaMu * 10000).rounded() / 10000)
                        p["recorded_at"] = .string(d.recordedAt)
                        p["official"] = .string(d.official)
                        p["rule_pack_version"] = .string(d.rulePackVersion)
                        p["fail_rules"] = .string(d.result.rules(with: .fail).joined(separator: ","))
                        p["warn_rules"] = .string(d.result.rules(with: .warn).joined(separator: ","))
                        if let s = d.supersedes { p["supersedes"] = .number(Double(s)) }
                        return Feature(id: .number(Double(d.id ?? 0)), geometry: d.site, properties: p, bbox: nil)
                    }
                    out = GeoJSON.encode(features: features)
                }
                try write(out, "\(all.count) decisions")
            } catch { failWith(error) }
        }
    }

    struct Migrate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Apply the workspace's pending schema migrations (explicit; nothing is migrated implicitly).",
            discussion: "Step 4 refuses a workspace where one decision is superseded twice: `ledger verify` lists them.")
        @OptionGroup var data: GeoDataOptions
        func run() throws {
            let ws = data.workspace()
            do {
                if try ws.store.schemaVersion() < 4 {
                    // Step 4's unique index cannot be built over a decision superseded twice: say which.
                    var seen: [Int64: Int64] = [:], twice: [String] = []
                    for (id, s) in try ws.store.decisionLinks() {
                        guard let s else { continue }
                        if let first = seen[s] { twice.append("decision \(s) (by \(first) and \(id))") } else { seen[s] = id }
                    }
                    if !twice.isEmpty {
                        throw WorkspaceError(.conflict, "schema step 4 needs every decision superseded at most once; superseded twice: "
                                             + twice.joined(separator: ", "))
                    }
                }
                let applied = try ws.store.migrate()
                writeOut(applied.isEmpty ? "schema version \(try ws.store.schemaVersion()): nothing to migrate\n"
                         : "schema migrations applied: \(applied.map(String.init).joined(separator: ", ")) (schema version \(try ws.store.schemaVersion()))\n")
            } catch { failWith(error) }
        }
    }

    struct Replay: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Re-run a decision against its recorded rule pack, layers and quota balances, then against today's.",
            discussion: "Exit 0 when the recorded verdict is reproduced, 1 when it is not.")
        @OptionGroup var data: GeoDataOptions
        @Argument(help: "Decision id.") var id: Int64
        func run() throws {
            let ws = data.workspace()
            let r: Workspace.Replay
            do { r = try ws.replay(id: id) } catch { failWith(error) }
            writeOut("decision \(id): recorded \(r.record.verdict.rawValue); replayed on its recorded rule pack \(r.record.rulePackVersion) and layers: \(r.then.verdict.rawValue) — \(r.reproduced ? "REPRODUCED" : "NOT REPRODUCED")\n")
            writeOut("against today's workspace: \(r.now.verdict.rawValue)\n")
            if r.changes.isEmpty { writeOut("nothing changed since\n") } else {
                writeOut("changed since:\n")
                for c in r.changes { writeOut("  \(c)\n") }
            }
            if !r.reproduced { throw ExitCode(Exit.notApproved) }
        }
    }
}

/// The bytes an application of `check --record` / `decide` was submitted as: the file it came
/// from (a GeoJSON Feature or FeatureCollection, a 报部 TXT with its sidecar figures JSON), or the
/// text-sequence record. Standard input was read once and is gone: its application is kept
/// re-serialised (format `geojson-reserialised`).
func submittedInput(_ item: BatchItem, label: String, app: Application, site: BaobuSiteOptions) -> SubmittedInput {
    switch item {
    case .record(let r):
        return SubmittedInput(format: "geojson-record", bytes: r.bytes)
    case .application(let l, _):
        var file = l
        if !FileManager.default.fileExists(atPath: file), let hash = file.lastIndex(of: "#") { file = String(file[..<hash]) }
        if l != "stdin", let bytes = FileManager.default.contents(atPath: file) {
            if file.lowercased().hasSuffix(".txt") || ApplicationFile.looksLikeBaobu(bytes) {
                let sidecar = site.attributes ?? (file as NSString).deletingPathExtension + ".json"
                return SubmittedInput(format: "baobu-txt", bytes: bytes, sidecar: FileManager.default.contents(atPath: sidecar))
            }
            return SubmittedInput(format: "geojson", bytes: bytes)
        }
    case .invalid:
        break
    }
    return SubmittedInput(format: "geojson-reserialised",
                          bytes: GeoJSON.encode(feature: Feature(id: nil, geometry: app.site, properties: app.properties, bbox: nil)))
}

/// `county:330402`, `330402`, `platform:platform-nat-jxetdz` or a platform id.
func parseAccount(_ s: String, year: Int) throws -> QuotaAccountKey {
    let parts = s.split(separator: ":", maxSplits: 1).map(String.init)
    if parts.count == 2, let kind = QuotaAccountKey.Kind(rawValue: parts[0]) { return QuotaAccountKey(kind: kind, ref: parts[1], year: year) }
    if s.range(of: #"^[0-9]{6}$"#, options: .regularExpression) != nil { return QuotaAccountKey(kind: .county, ref: s, year: year) }
    if s.hasPrefix("platform-") { return QuotaAccountKey(kind: .platform, ref: s, year: year) }
    throw ValidationError("account '\(s)': write county:ADCODE (e.g. county:330402) or platform:ID (e.g. platform:platform-nat-jxetdz)")
}

struct QuotaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quota",
        abstract: "Land-quota accounts per county and per platform per year, in 亩.",
        discussion: "An approved or conditional decision recorded with `check --record` draws its area from the county (and platform, if it has an account) in the same transaction.",
        subcommands: [Set.self, Show.self, History.self, Return.self])

    struct Set: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Set an account's allocation for a year (recorded as an allocation entry).")
        @OptionGroup var data: GeoDataOptions
        @Argument(help: "county:ADCODE or platform:ID") var account: String
        @Argument(help: "Year.") var year: Int
        @Argument(help: "Allocation in 亩.") var mu: Double
        @Option(name: .long, help: "A note.") var note: String?
        @OptionGroup var official: OfficialOption
        func validate() throws {
            _ = try parseAccount(account, year: year)
            guard mu.isFinite && mu >= 0 else { throw ValidationError("the allocation must be a non-negative number of 亩") }
        }
        func run() throws {
            let ws = data.workspace()
            let key = try parseAccount(account, year: year)
            do {
                let plan = try ws.loadPlan()
                let name = key.kind == .county ? plan.features(kind: .county).first { $0.counties.contains(key.ref) }?.name : plan.feature(id: key.ref)?.name
                guard let name else { throw WorkspaceError(.notFound, "\(key.kind.rawValue) '\(key.ref)' is not in the workspace's layers") }
                try ws.setQuota(key, mu: mu, name: name, official: official.name, note: note)
                let st = try ws.store.quotaStatus(key)!
                writeOut("\(key) \(name): allocated \(num2(st.allocatedMu)) 亩, drawn \(num2(st.drawnMu)), returned \(num2(st.returnedMu)), balance \(num2(st.balanceMu)) 亩\n")
            } catch { failWith(error) }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show accounts with allocation, drawn, returned and balance.")
        @OptionGroup var data: GeoDataOptions
        @Option(name: .long, help: "Only this year.") var year: Int?
        func run() throws {
            let ws = data.workspace()
            do {
                let rows = try ws.store.quotaStatuses(year: year).map {
                    ["\($0.account.kind.rawValue):\($0.account.ref)", $0.name ?? "", "\($0.account.year)", num2($0.allocatedMu),
                     num2($0.drawnMu), num2($0.returnedMu), num2($0.balanceMu)]
                }
                writeOut(Report.table(header: ["account", "name", "year", "allocated 亩", "drawn", "returned", "balance"], rows: rows, indent: ""))
            } catch { failWith(error) }
        }
    }

    struct History: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Every entry of an account (or of all accounts).")
        @OptionGroup var data: GeoDataOptions
        @Argument(help: "county:ADCODE or platform:ID") var account: String?
        @Argument(help: "Year.") var year: Int?
        func validate() throws {
            if account != nil && year == nil { throw ValidationError("give the year after the account") }
        }
        func run() throws {
            let ws = data.workspace()
            let key = try account.map { try parseAccount($0, year: year!) }
            do {
                let rows = try ws.store.quotaEntries(key).map {
                    ["\($0.id ?? 0)", ChinaTime.display(iso: $0.at), $0.account.description, $0.kind.rawValue,
                     num2($0.amountMu), $0.decisionId.map { "#\($0)" } ?? "", $0.official, $0.note ?? ""]
                }
                writeOut(Report.table(header: ["entry", "at", "account", "kind", "亩", "decision", "official", "note"], rows: rows, indent: ""))
            } catch { failWith(error) }
        }
    }

    struct Return: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Return land to an account (a cancelled approval, land taken back: 腾笼换鸟).")
        @OptionGroup var data: GeoDataOptions
        @Argument(help: "county:ADCODE or platform:ID") var account: String
        @Argument(help: "Year.") var year: Int
        @Argument(help: "亩 returned.") var mu: Double
        @Option(name: .long, help: "The decision the land came from.") var decision: Int64?
        @Option(name: .long, help: "Why (required).") var note: String
        @OptionGroup var official: OfficialOption
        func validate() throws {
            _ = try parseAccount(account, year: year)
            guard mu.isFinite && mu > 0 else { throw ValidationError("returned land must be a positive number of 亩") }
        }
        func run() throws {
            let ws = data.workspace()
            let key = try parseAccount(account, year: year)
            do {
                try ws.returnLand(key, mu: mu, decision: decision, official: official.name, note: note)
                let st = try ws.store.quotaStatus(key)!
                writeOut("\(key): \(num2(mu)) 亩 returned; balance \(num2(st.balanceMu)) 亩\n")
            } catch { failWith(error) }
        }
    }
}

extension JSONEncoder {
    static var compact: JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }
}

extension LedgerCommand {
    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check the workspace: database integrity, nothing half-written, revisions in simple chains, quotas within allocations.",
            discussion: """
            Checks: the database's own integrity check; every quota draw names a recorded decision and every \
            decision (since schema 4) has its submitted input; no decision superseded twice, no cycle of revisions; \
            no decision got back more land than it drew; every account's live draws within its allocation; no \
            balance below zero; no quota account or decision names a feature today's layers lack (after an \
            import replaced its layer). Exit 0 when everything holds, 1 otherwise.
            """)
        @OptionGroup var data: GeoDataOptions
        func run() throws {
            let ws = data.workspace()
            do {
                let problems = try ws.verify()
                if problems.isEmpty {
                    writeOut("ok: integrity check passed, \(try ws.store.decisionLinks().count) decisions, quota entries consistent\n")
                } else {
                    for p in problems { writeOut("problem: \(p)\n") }
                    throw ExitCode(Exit.notApproved)
                }
            } catch let e as ExitCode { throw e } catch { failWith(error) }
        }
    }
}
