import Foundation
import ZoneGeometry

// A year's inputs rebuilt from what a workspace stored (ZoneService maps the store's rows).

extension FirmTable {
    /// A table of firms already read and checked (e.g. stored in a workspace); `fieldIndex` follows `pack.inputs`.
    public init(file: String, encoding: ChineseText.Encoding, firms: [Firm], pack: EvaluationPack) {
        var index: [String: Int] = [:]
        for (i, f) in pack.inputs.enumerated() { index[f.id] = i }
        self.init(file: file, encoding: encoding, firms: firms, fieldIndex: index)
    }
}

extension Parcel {
    public init(id: String, creditCode: String?, areaMu: Double, county: String?, platforms: [String], source: String?, geometry: Geometry) {
        self.id = id; self.creditCode = creditCode; self.geometry = geometry; self.areaMu = areaMu
        self.county = county; self.platforms = platforms; self.source = source
    }
}
