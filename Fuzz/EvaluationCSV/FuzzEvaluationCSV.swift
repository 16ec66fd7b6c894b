import Foundation
import FuzzSupport
import ZoneEvaluation

// The firm table reader (亩均效益 figures, CSV in UTF-8 or GBK) on arbitrary bytes, then the
// scoring it feeds: it may refuse with a file/row/column error, never trap or hang.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzEvaluationCSV(_ bytes: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let data = fuzzData(bytes, size)
    guard let table = try? FirmTable.read(data, file: "fuzz.csv", pack: FuzzEvaluation.pack) else { return 0 }
    _ = Evaluator(pack: FuzzEvaluation.pack).evaluate(table, parcels: [], year: 2025)
    return 0
}

enum FuzzEvaluation {
    static let pack: EvaluationPack = {
        do { return try EvaluationPack.load(contentsOf: FuzzPlan.root.appendingPathComponent("evaluation.yaml")) } catch {
            FileHandle.standardError.write(Data("fuzz: cannot load the evaluation pack: \(error)\n".utf8))
            exit(70)
        }
    }()
}

@_cdecl("LLVMFuzzerInitialize")
public func fuzzInitialize(_ argc: UnsafeMutableRawPointer?, _ argv: UnsafeMutableRawPointer?) -> CInt {
    _ = FuzzEvaluation.pack
    return 0
}
