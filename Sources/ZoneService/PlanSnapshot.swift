import Foundation
import ZoneGeometry
import ZonePlan
import ZoneQuery
import ZoneStore
import ZoneVetting

/// The plan as one process serves it: immutable, versioned by GeoData, layer versions, rule pack
/// and vocabulary (`version`), shared read-only by every thread. Engines (GEOS and PROJ contexts,
/// single-thread objects) are made from it per thread.
public final class PlanSnapshot: Sendable {
    public let plan: PlanData
    public let version: String
    /// The layers projected to EPSG:4549 and indexed, once: every engine made from this
    /// snapshot shares them (read-only).
    public let compiled: CompiledPlanGeometry

    public init(plan: PlanData) throws {
        self.plan = plan
        version = plan.snapshotVersion
        compiled = try CompiledPlanGeometry(plan: plan)
    }

    /// A vetting engine for one thread (its own GEOS and PROJ contexts over the shared geometry).
    public func makeEngine() throws -> VettingEngine { try VettingEngine(plan: plan, compiled: compiled) }

    /// Batch vetting on `jobs` threads, each worker's engine made from this snapshot (`zoneplan check`).
    public func makeBatchVetter(jobs: Int) -> BatchVetter {
        BatchVetter(plan: plan, jobs: jobs, makeEngine: { try self.makeEngine() })
    }

    /// Spatial queries (`where`, `query`, `stats`) for one thread, over the same compiled geometry
    /// the engines vet against. `measurer`: the thread's own, if it has one (saves a PROJ set-up).
    public func makeQuery(measurer: PlanarMeasurer? = nil) throws -> SpatialQuery {
        try SpatialQuery(plan: plan, compiled: compiled, measurer: measurer)
    }
}

/// A workspace opened once and confined to this actor: the SQLite (or PostgreSQL) connection is
/// used by one task at a time, and the workspace's own plan cache survives between requests.
public actor WorkspaceSession {
    public let location: String
    private var workspace: Workspace?

    public init(location: String) { self.location = location }

    public func run<T: Sendable>(_ body: (Workspace) throws -> T) throws -> T {
        try body(try open())
    }

    private func open() throws -> Workspace {
        if let workspace { return workspace }
        let ws = Workspace(store: try WorkspaceLocator.open(location, create: false))
        workspace = ws
        return ws
    }
}

/// Hands out the current snapshot. A GeoData plan never changes; a workspace plan changes with
/// `zoneplan import`, and the next request after it gets the new snapshot (no restart).
public actor SnapshotHolder {
    private let session: WorkspaceSession?
    private var snapshot: PlanSnapshot
    private var key: String?

    /// A fixed plan (a GeoData folder).
    public init(_ snapshot: PlanSnapshot) {
        session = nil
        self.snapshot = snapshot
    }

    /// The workspace's plan, followed as it changes. `snapshot` is of the plan already loaded from it.
    public init(_ snapshot: PlanSnapshot, session: WorkspaceSession) {
        self.session = session
        self.snapshot = snapshot
    }

    /// The check of the workspace's plan key in flight, and whether its reads have begun.
    private var pending: (id: Int, task: Task<PlanSnapshot, Error>, started: ReadsBegun)?
    private var checks = 0

    public func current() async throws -> PlanSnapshot {
        guard session != nil else { return snapshot }
        // Requests that arrive together share one check (the key is a few reads of the workspace,
        // documents included, and the workspace serves one task at a time) — but only a check whose
        // reads have not begun: it sees every commit made before this request arrived, so a request
        // after an import still gets the new plan.
        if let p = pending, !p.started.value { return try await p.task.value }
        checks += 1
        let id = checks, begun = ReadsBegun()
        let task = Task { try await self.check(begun) }
        pending = (id, task, begun)
        defer { if pending?.id == id { pending = nil } }
        return try await task.value
    }

    private func check(_ begun: ReadsBegun) async throws -> PlanSnapshot {
        guard let session else { return snapshot }
        let now = try await session.run { ws in begun.set(); return try ws.planKey() }
        if now != key {
            // Swap atomically: a request holds the snapshot it started with.
            let plan = try await session.run { try $0.loadPlan() }
            if plan.snapshotVersion != snapshot.version { snapshot = try PlanSnapshot(plan: plan) }
            key = now
        }
        return snapshot
    }

    /// Set by a check as its reads begin (on the workspace's actor), read by arriving requests.
    final class ReadsBegun: @unchecked Sendable {
        private let lock = NSLock()
        private var begun = false
        var value: Bool { lock.lock(); defer { lock.unlock() }; return begun }
        func set() { lock.lock(); begun = true; lock.unlock() }
    }
}
