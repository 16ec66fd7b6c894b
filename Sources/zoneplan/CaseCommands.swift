import ArgumentParser
import Foundation
import ZoneGeometry
import ZonePlan
import ZoneService
import ZoneStore
import ZoneVetting

// The bureau's review workflow on the command line: people and roles, and cases 经办 → 审核 → 签发.
// The CLI trusts `--as` as it trusts `--official`: whoever may write the workspace file (or holds
// the database password) can act as anyone. The service authenticates each person by token.

struct PeopleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "people",
        abstract: "The workspace's people and roles (case-officer, reviewer, signer, admin), their tokens and the two-person rule.",
        discussion: """
        Once a workspace has people, its decisions go 经办 → 审核 → 签发 (see `zoneplan case`). The first \
        people may be added by anyone; once an admin exists, only an admin (--as) manages people.
          zoneplan people add 王局 --role signer --role admin
          zoneplan people add 张三 --role case-officer --as 王局
          zoneplan people token 张三 --as 王局        # printed once; only its SHA-256 is stored
          zoneplan people policy --allow-self-sign --as 王局
        """,
        subcommands: [Add.self, List.self, Token.self, Policy.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a person, or grant a person more roles.")
        @OptionGroup var data: GeoDataOptions
        @Argument(help: "The person's name as it appears on reports.") var name: String
        @Option(name: .long, help: "case-officer, reviewer, signer or admin (repeat for several).") var role: [String] = []
        @Option(name: .customLong("as"), help: ArgumentHelp("The admin adding them (needed once an admin exists).", valueName: "name")) var actor: String?
        @OptionGroup var official: OfficialOption
        func run() throws {
            let ws = data.workspace()
            do {
                let roles = try role.map { r -> Role in
                    guard let x = Role(rawValue: r) else {
                        throw WorkspaceError(.badInput, "--role '\(r)' is not a role (case-officer, reviewer, signer, admin)")
                    }
                    return x
                }
                let (p, granted) = try ws.addPerson(name, roles: roles, actor: actor, fallback: official.name)
                writeOut("\(p.name): granted \(granted.map(\.rawValue).joined(separator: ", ")); roles now \(p.roles.map(\.rawValue).joined(separator: ", "))\n")
            } catch { failWith(error) }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the people, their roles and whether they have a token.")
        @OptionGroup var data: GeoDataOptions
        func run() throws {
            let ws = data.workspace()
            do {
                let rows = try ws.people().map { p in
                    [p.name, p.roles.map { "\($0.rawValue) \($0.chinese)" }.joined(separator: ", "), p.hasToken ? "yes" : "no",
                     ChinaTime.display(iso: p.addedAt), p.addedBy]
                }
                writeOut(Report.table(header: ["name", "roles", "token", "added", "by"], rows: rows, indent: ""))
                writeOut("two-person rule: \(try ws.twoPersonRule() ? "on (nobody reviews or signs their own case)" : "off (self-review and self-signing allowed)")\n")
            } catch { failWith(error) }
        }
    }

    struct Token: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Issue a fresh token for a person (printed once; replaces their previous one).",
            discussion: "Only the token's SHA-256 is stored. The service maps `Authorization: Bearer TOKEN` to the person.")
        @OptionGroup var data: GeoDataOptions
        @Argument(help: "The person.") var name: String
        @Option(name: .customLong("as"), help: ArgumentHelp("The admin issuing it (needed once an admin exists).", valueName: "name")) var actor: String?
        @OptionGroup var official: OfficialOption
        func run() throws {
            let ws = data.workspace()
            do {
                let token = try ws.issueToken(for: name, actor: actor, fallback: official.name)
                writeOut(token + "\n")
                note("token for \(name) issued; it is not stored and cannot be shown again (only its SHA-256 is kept)")
            } catch { failWith(error) }
        }
    }

    struct Policy: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Turn the two-person rule off (--allow-self-sign) or on (--two-person-rule).")
        @OptionGroup var data: GeoDataOptions
        @Flag(name: .customLong("allow-self-sign"), help: "Let a person review and sign a case they prepared (a one-person office).") var allow = false
        @Flag(name: .customLong("two-person-rule"), help: "Nobody reviews or signs their own case (the default).") var rule = false
        @Option(name: .customLong("as"), help: ArgumentHelp("The admin setting it (needed once an admin exists).", valueName: "name")) var actor: String?
        @OptionGroup var official: OfficialOption
        func validate() throws {
            guard allow != rule else { throw ValidationError("give --allow-self-sign or --two-person-rule") }
        }
        func run() throws {
            let ws = data.workspace()
            do {
                try ws.setTwoPersonRule(rule, actor: actor, fallback: official.name)
                writeOut("two-person rule: \(rule ? "on" : "off")\n")
            } catch { failWith(error) }
        }
    }
}

struct CaseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "case",
        abstract: "Cases 经办 → 审核 → 签发 in a workspace with people: open, review, resubmit, sign, list, show.",
        discussion: """
        A case is opened by a case officer (`zoneplan decide FILE --as NAME`, or `case open`), vetted but \
        drawing nothing; a reviewer passes or returns it; a returned case is resubmitted revised; a signer \
        signs it, which vets it again on the balances of that moment and records the decision that draws \
        the land. Refusals: wrong role or own case (two-person rule) exit 2; out of order or already \
        signed exit 6; unknown case exit 5. Nothing is stored then.
        """,
        subcommands: [Open.self, Review.self, Resubmit.self, Sign.self, List.self, Show.self])

    struct Open: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "经办: open a case for each application of the file (= decide --as).")
        @OptionGroup var data: GeoDataOptions
        @Argument(help: ArgumentHelp("Application file (GeoJSON or 报部 TXT).", valueName: "file")) var file: String
        @Option(name: .customLong("as"), help: ArgumentHelp("The case officer.", valueName: "name")) var actor: String
        @Option(name: .long, help: "The case officer's note.") var note: String?
        @Option(name: .long, help: ArgumentHelp("Quota year (default: this year).", valueName: "year")) var year: Int?
        @Option(name: .long, help: ArgumentHelp("Decision the signed decision will supersede.", valueName: "id")) var supersedes: Int64?
        @OptionGroup(title: "报部 TXT sites") var site: BaobuSiteOptions
        func run() throws {
            try openCases(data: data, files: [file], site: site, actor: actor, note: note, year: year, supersedes: supersedes)
        }
    }

    struct Review: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "审核: pass a case on to 签发, or return it to 经办 with a note.")
        @OptionGroup var data: GeoDataOptions
        @Argument(help: "Case id.") var id: Int64
        @Option(name: .customLong("as"), help: ArgumentHelp("The reviewer.", valueName: "name")) var actor: String
        @Flag(name: .long, help: "Pass it on to 签发.") var pass = false
        @Flag(name: .customLong("return"), help: "Return it to 经办 (needs --note).") var returnIt = false
        @Option(name: .long, help: "The reviewer's note (required with --return).") var note: String?
        func validate() throws { guard pass != returnIt else { throw ValidationError("give --pass or --return") } }
        func run() throws {
            let ws = data.workspace()
            do {
                let c = try ws.review(case: id, as: actor, pass: pass, note: note)
                let s = c.steps.last!
                writeOut("case \(id): \(s.kind.chinese) by \(s.person) (verdict as vetted now: \(s.verdict.rawValue) \(s.verdict.chinese)); "
                         + "\(c.state.chinese) (\(c.state.rawValue))\n")
            } catch { failWith(error) }
        }
    }

    struct Resubmit: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "经办 again: resubmit a returned case with the revised application.")
        @OptionGroup var data: GeoDataOptions
        @Argument(help: "Case id.") var id: Int64
        @Argument(help: ArgumentHelp("The revised application (one, GeoJSON or 报部 TXT).", valueName: "file")) var file: String
        @Option(name: .customLong("as"), help: ArgumentHelp("The case officer.", valueName: "name")) var actor: String
        @Option(name: .long, help: "What was revised.") var note: String?
        @OptionGroup(title: "报部 TXT sites") var site: BaobuSiteOptions
        func run() throws {
            let ws = data.workspace()
            let subs = readSubmissions(ws, files: [file], site: site)
            guard subs.count == 1 else { fail("\(file): a resubmission is one application; the file holds \(subs.count)", code: Exit.badInput) }
            do {
                let c = try ws.resubmit(case: id, subs[0], as: actor, note: note)
                let s = c.steps.last!
                writeOut("case \(id): resubmitted by \(s.person): \(s.verdict.rawValue) \(s.verdict.chinese), "
                         + "\(num2(s.result.areaMu)) 亩; \(c.state.chinese) (\(c.state.rawValue))\n")
            } catch { failWith(error) }
        }
    }

    struct Sign: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "签发: sign a case that passed 审核; it is vetted again and recorded as a decision that draws its land.")
        @OptionGroup var data: GeoDataOptions
        @Argument(help: "Case id.") var id: Int64
        @Option(name: .customLong("as"), help: ArgumentHelp("The signer.", valueName: "name")) var actor: String
        @Option(name: .long, help: "The signer's note.") var note: String?
        func run() throws {
            let ws = data.workspace()
            do {
                let (_, r) = try ws.sign(case: id, as: actor, note: note)
                writeOut("case \(id): 签发 by \(actor): " + recordLine("in force", r, ws).replacingOccurrences(of: "in force: ", with: "") + "\n")
                if r.record.verdict != .approve { throw ExitCode(Exit.notApproved) }
            } catch let e as ExitCode { throw e } catch { failWith(error) }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the cases and where each stands.")
        @OptionGroup var data: GeoDataOptions
        func run() throws {
            let ws = data.workspace()
            do {
                let rows = try ws.cases().map { c in
                    ["\(c.id)", ChinaTime.display(iso: c.openedAt), "\(c.state.chinese) \(c.state.rawValue)", c.name, c.openedBy,
                     c.verdict?.rawValue ?? "", "\(c.steps.count)", c.decisionId.map { "#\($0)" } ?? ""]
                }
                writeOut(Report.table(header: ["case", "opened", "state", "name", "case officer", "verdict", "steps", "decision"], rows: rows, indent: ""))
            } catch { failWith(error) }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a case: its state and the chain of steps.")
        @OptionGroup var data: GeoDataOptions
        @Argument(help: "Case id.") var id: Int64
        @Option(name: .long, help: "text or json.") var format: String = "text"
        func run() throws {
            let ws = data.workspace()
            do {
                let c = try ws.caseRecord(id: id)
                if format == "json" {
                    writeOut(String(decoding: try c.json(), as: UTF8.self) + "\n")
                    return
                }
                writeOut("case \(c.id) — \(c.name) — \(c.state.chinese) (\(c.state.rawValue))\(c.decisionId.map { ", decision \($0)" } ?? "")\n")
                writeOut("quota year \(c.quotaYear)\(c.supersedes.map { "; supersedes decision \($0)" } ?? "")\n")
                writeOut(caseChain(c))
                if let s = c.steps.last { writeOut("\n" + Report.text(s.result)) }
            } catch { failWith(error) }
        }
    }
}

/// The chain of steps, one line each (ledger show, case show).
func caseChain(_ c: CaseRecord) -> String {
    let rows = c.steps.map { s in
        ["\(s.seq)", s.kind.chinese, s.person, ChinaTime.display(iso: s.at), "\(s.verdict.rawValue) \(s.verdict.chinese)", s.note ?? ""]
    }
    return Report.table(header: ["step", "", "who", "when", "verdict as vetted", "note"], rows: rows, indent: "  ")
}

/// The applications of the files with their bytes as submitted; bad input ends the command (exit 2).
func readSubmissions(_ ws: Workspace, files: [String], site: BaobuSiteOptions) -> [Workspace.Submission] {
    let plan: PlanData
    do { plan = try ws.loadPlan() } catch { failWith(error) }
    let inputs = CheckInputs(files: files, catalog: plan.industries, site: site, progress: CheckProgress(enabled: false))
    let geometry = GeometryEngine()
    var out: [Workspace.Submission] = []
    var bad = false
    while let item = inputs.next() {
        let (label, read) = item.read(catalog: plan.industries, engine: geometry)
        switch read {
        case .failure(let e):
            FileHandle.standardError.write(Data(("zoneplan: error: " + TerminalText.escape("\(e)") + "\n").utf8))
            bad = true
        case .success(let app):
            let input = GeoJSON.encode(feature: Feature(id: nil, geometry: app.site, properties: app.properties, bbox: nil))
            out.append(Workspace.Submission(application: app, input: input, submitted: submittedInput(item, label: label, app: app, site: site)))
        }
    }
    // Nothing is opened when any application of the files is bad.
    if bad { exit(Exit.badInput) }
    return out
}

/// 经办 for each application (`case open`, `decide --as`).
func openCases(data: GeoDataOptions, files: [String], site: BaobuSiteOptions, actor: String, note: String?, year: Int?, supersedes: Int64?) throws {
    let ws = data.workspace()
    let subs = readSubmissions(ws, files: files, site: site)
    for s in subs {
        do {
            let c = try ws.openCase(s, as: actor, note: note, year: year, supersedes: supersedes)
            let step = c.steps[0]
            writeOut("case \(c.id) opened at 经办 by \(step.person): \(c.name): \(step.verdict.rawValue) \(step.verdict.chinese), "
                     + "\(num2(step.result.areaMu)) 亩; no land drawn until 签发; \(c.state.chinese) (\(c.state.rawValue))\n")
        } catch { failWith(error) }
    }
}
