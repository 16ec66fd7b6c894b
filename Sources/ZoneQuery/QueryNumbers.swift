import Foundation

/// Figures in query texts (the grid table's description, coordinate errors): at most `decimals`
/// places, trailing zeros dropped.
func fmt(_ d: Double, _ decimals: Int = 2) -> String {
    var s = String(format: "%.\(decimals)f", d)
    if s.contains(".") {
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
    }
    return s
}
