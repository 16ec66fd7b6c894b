import CGEOS

/// A GEOS STRtree over a list of geometries. Queries return indices into `items`, ascending.
///
/// **Thread rules:** bound to the `GeometryEngine` (GEOS context) that made it; use it only
/// where that engine is used, never from several threads/tasks at once.
public final class SpatialIndex {
    public let items: [Geometry]
    public let envelopes: [Envelope?]
    let engine: GeometryEngine
    private let tree: GEOSTree

    /// Builds the tree (node capacity 10). Empty geometries are kept in `items` but never match.
    public init(engine: GeometryEngine, items: [Geometry]) throws {
        self.engine = engine
        self.items = items
        self.envelopes = items.map(\.envelope)
        let ctx = engine.context
        tree = try GEOSTree(context: ctx, nodeCapacity: 10)
        for i in items.indices {
            // Index the envelope rectangle only: the tree stores envelopes, exact tests use `items`.
            guard let env = envelopes[i] else { continue }
            let obj = try ctx.make(.polygon(env.polygon), path: "items[\(i)]")
            tree.items.append(obj)  // the tree borrows obj.pointer; keep it alive
            let h = try ctx.handle()
            // The item is the index + 1 carried in the pointer bits (never dereferenced).
            GEOSSTRtree_insert_r(h, tree.pointer, obj.pointer, UnsafeMutableRawPointer(bitPattern: i + 1))
            if let message = ctx.lastError { throw GEOSError(function: "GEOSSTRtree_insert_r", message: message) }
        }
    }

    /// Indices of items whose envelope intersects `env` (touching counts), ascending.
    public func query(_ env: Envelope) -> [Int] {
        if let found = try? treeQuery(env) { return found }
        // Only if GEOS failed (allocation): same answer by linear scan.
        return envelopes.indices.filter { envelopes[$0]?.intersects(env) ?? false }
    }

    private final class Hits { var indices: [Int] = [] }

    private func treeQuery(_ env: Envelope) throws -> [Int] {
        let ctx = engine.context
        let box = try ctx.make(.polygon(env.polygon))
        let hits = Hits()
        let h = try ctx.handle()
        withExtendedLifetime(hits) {
            GEOSSTRtree_query_r(h, tree.pointer, box.pointer, { item, userdata in
                guard let item, let userdata else { return }
                let hits = Unmanaged<Hits>.fromOpaque(userdata).takeUnretainedValue()
                hits.indices.append(Int(bitPattern: item) - 1)
            }, Unmanaged.passUnretained(hits).toOpaque())
        }
        if let message = ctx.lastError { throw GEOSError(function: "GEOSSTRtree_query_r", message: message) }
        return hits.indices.sorted()
    }

    /// Indices of items that really intersect `g` (envelope query, then exact GEOS test
    /// with `g` prepared), ascending.
    public func query(intersecting g: Geometry) throws -> [Int] {
        guard let env = g.envelope else { return [] }
        let candidates = query(env)
        if candidates.isEmpty { return [] }
        let prepared = try engine.prepare(g)
        return try candidates.filter { try prepared.intersects(items[$0]) }
    }

    /// The `count` items nearest to `g` by planar distance, nearest first (ties by index).
    /// Brute force over all non-empty items.
    public func nearest(to g: Geometry, count: Int) throws -> [(index: Int, distance: Double)] {
        guard count > 0 else { return [] }
        var all: [(index: Int, distance: Double)] = []
        for (i, item) in items.enumerated() where !item.isEmpty {
            all.append((i, try engine.distance(g, item)))
        }
        all.sort { $0.distance != $1.distance ? $0.distance < $1.distance : $0.index < $1.index }
        return Array(all.prefix(count))
    }
}
