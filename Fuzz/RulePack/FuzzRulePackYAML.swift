import Foundation
import FuzzSupport
import ZoneEvaluation
import ZonePlan
import ZoneVetting

// The YAML configuration readers on arbitrary text: the rule pack (checked against the engine's
// rule schemas), the industry vocabulary and the evaluation pack. They may refuse with a
// file:line error, never trap.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRulePackYAML(_ bytes: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: bytes, count: size), as: UTF8.self)
    guard let doc = try? ConfigDocument(file: "fuzz.yaml", text: text) else { return 0 }
    _ = try? RulePack.load(doc, schemas: RuleRegistry.schemas, catalog: FuzzPlan.plan.industries)
    _ = try? IndustryCatalog.load(doc)
    _ = try? EvaluationPack.load(doc)
    return 0
}

@_cdecl("LLVMFuzzerInitialize")
public func fuzzInitialize(_ argc: UnsafeMutableRawPointer?, _ argv: UnsafeMutableRawPointer?) -> CInt {
    fuzzLoadPlan()
    return 0
}
