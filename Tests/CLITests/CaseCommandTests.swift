import Foundation
import Testing

/// The README's walk-through of a case on the example data, as commands with their exit codes and
/// lines: people, 经办 → 审核 (returned, resubmitted) → 签发, refusals, the quota drawn only at 签发.
@Suite("cases on the command line: people, decide --as, case review/resubmit/sign")
struct CaseCommandTests {
    @Test("a case goes from 经办 to 签发; refusals exit 2 or 6 with one line and store nothing")
    func walkThrough() throws {
        let ws = try CLIWorkspace()
        let site = CLI.example("jiaxipera-compressor")
        func balance() throws -> String {
            try ws.run(["quota", "show", "--year", "2026"]).out.split(separator: "\n").last.map(String.init) ?? ""
        }
        #expect(try ws.run(["quota", "set", "county:330402", "2026", "1200"]).status == 0)
        #expect(try ws.run(["people", "add", "王局", "--role", "signer", "--role", "admin"]).status == 0)
        let needsAdmin = try ws.run(["people", "add", "张三", "--role", "case-officer"])
        #expect(needsAdmin.status == 2 && needsAdmin.err == "zoneplan: error: managing people needs an admin: say who you are with --as (admins: 王局)\n")
        #expect(try ws.run(["people", "add", "张三", "--role", "case-officer", "--as", "王局"]).status == 0)
        #expect(try ws.run(["people", "add", "李四", "--role", "reviewer", "--as", "王局"]).status == 0)
        let badRole = try ws.run(["people", "add", "钱七", "--role", "boss", "--as", "王局"])
        #expect(badRole.status == 2 && badRole.err.contains("--role 'boss' is not a role"))
        let token = try ws.run(["people", "token", "李四", "--as", "王局"])
        #expect(token.status == 0 && token.out.hasPrefix("zp-") && token.out.count > 30)

        let legacy = try ws.run(["decide", site, "--year", "2026"])
        #expect(legacy.status == 6 && legacy.err.contains("files cases (it has people)"))
        let opened = try ws.run(["decide", site, "--as", "张三", "--year", "2026", "--note", "材料齐全"])
        #expect(opened.status == 0, "\(opened.err)")
        #expect(opened.out.hasPrefix("case 1 opened at 经办 by 张三: ") && opened.out.contains("approve 同意, 150 亩; no land drawn until 签发"))

        let before = try ws.run(["case", "show", "1", "--format", "json"]).out
        let wrongRole = try ws.run(["case", "review", "1", "--as", "张三", "--pass"])
        #expect(wrongRole.status == 2)
        #expect(wrongRole.err == "zoneplan: error: 张三 is not a reviewer (roles: case-officer): 审核·通过 needs the reviewer role\n")
        let early = try ws.run(["case", "sign", "1", "--as", "王局"])
        #expect(early.status == 6 && early.err == "zoneplan: error: case 1 is 待审核 (awaiting-review): only a case that passed 审核 is signed\n")
        #expect(try ws.run(["case", "show", "1", "--format", "json"]).out == before, "refusals store nothing")

        #expect(try ws.run(["case", "review", "1", "--as", "李四", "--return", "--note", "请补充能评批复"]).status == 0)
        #expect(try ws.run(["case", "resubmit", "1", site, "--as", "张三", "--note", "已补充"]).status == 0)
        let passed = try ws.run(["case", "review", "1", "--as", "李四", "--pass"])
        #expect(passed.out == "case 1: 审核·通过 by 李四 (verdict as vetted now: approve 同意); 待签发 (awaiting-signature)\n")
        #expect(try balance().hasSuffix("1200"), "nothing drawn before 签发")
        let signed = try ws.run(["case", "sign", "1", "--as", "王局", "--note", "同意供地"])
        #expect(signed.status == 0)
        #expect(signed.out == "case 1: 签发 by 王局: recorded as decision 1: approve; draws 150 亩 county:330402:2026 (balance now 1050 亩)\n")
        #expect(try balance().hasSuffix("1050"))
        #expect(try ws.run(["case", "sign", "1", "--as", "王局"]).status == 6)

        let shown = try ws.run(["ledger", "show", "1"]).out
        for line in ["case 1: 经办 → 审核 → 签发", "审核·退回      李四", "经办·重新提交  张三", "签发           王局"] {
            #expect(shown.contains(line), "\(line)")
        }
        let report = try ws.run(["report", "1"]).out
        #expect(report.contains("id=\"sign-reviewer\">李四<") && report.contains("id=\"sign-signer\">王局<"))
        #expect(try ws.run(["ledger", "verify"]).status == 0)
    }
}
