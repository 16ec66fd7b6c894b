import Foundation
import ZonePlan
@testable import ZoneEvaluation

/// The repository root (Tests/ZoneEvaluationTests/Support.swift → ../../..).
let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
let geodata = repoRoot.appendingPathComponent("GeoData")

func fixture(_ name: String) -> URL {
    Bundle.module.url(forResource: "Fixtures", withExtension: nil)!.appendingPathComponent(name)
}

func loadShippedPack() throws -> EvaluationPack {
    try EvaluationPack.load(contentsOf: geodata.appendingPathComponent("evaluation.yaml"), displayName: "GeoData/evaluation.yaml")
}

/// The shipped pack with one piece of its text replaced, loaded: for the validation tests.
func loadPack(replacing old: String, with new: String) throws -> EvaluationPack {
    let text = try String(contentsOf: geodata.appendingPathComponent("evaluation.yaml"), encoding: .utf8)
    precondition(text.contains(old), "the shipped pack no longer contains \(old)")
    return try EvaluationPack.load(ConfigDocument(file: "evaluation.yaml", text: text.replacingOccurrences(of: old, with: new)))
}
