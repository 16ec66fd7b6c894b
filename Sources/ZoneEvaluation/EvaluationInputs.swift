import Foundation
import Dispatch

/// A year's inputs read together: the firm file, the previous year's, the parcels. They are
/// independent, so they are read at the same time (each reader makes its own GEOS and PROJ
/// contexts on its own thread); the first error, in the order firms, previous, parcels, is thrown.
public struct EvaluationInputs: Sendable {
    public var firms: FirmTable
    public var previous: FirmTable?
    public var parcels: [Parcel]

    public static func read(firms: URL, firmsName: String, previous: URL?, previousName: String?, parcels: URL?, parcelsName: String?,
                            pack: EvaluationPack, geography: EvaluationGeography) throws -> EvaluationInputs {
        var readParcels: (@Sendable () throws -> [Parcel])?
        if let parcels {
            readParcels = { try ParcelReader.read(contentsOf: parcels, displayName: parcelsName, geography: geography) }
        }
        return try read(firms: firms, firmsName: firmsName, previous: previous, previousName: previousName, parcels: readParcels, pack: pack)
    }

    /// The same with the parcels read by `parcels` (e.g. a 报部 TXT or a Shapefile, which need the
    /// readers of higher layers), still at the same time as the firm files.
    public static func read(firms: URL, firmsName: String, previous: URL?, previousName: String?, parcels: (@Sendable () throws -> [Parcel])?,
                            pack: EvaluationPack) throws -> EvaluationInputs {
        final class Slot<T>: @unchecked Sendable { var value: Result<T, Error>? }  // each written by one task, read after all end
        let a = Slot<FirmTable>(), b = Slot<FirmTable?>(), c = Slot<[Parcel]>()
        DispatchQueue.concurrentPerform(iterations: 3) { i in
            switch i {
            case 0: a.value = Result { try FirmTable.read(contentsOf: firms, displayName: firmsName, pack: pack) }
            case 1: b.value = Result { try previous.map { try FirmTable.read(contentsOf: $0, displayName: previousName, pack: pack) } }
            default: c.value = Result { try parcels?() ?? [] }
            }
        }
        return EvaluationInputs(firms: try a.value!.get(), previous: try b.value!.get(), parcels: try c.value!.get())
    }
}
