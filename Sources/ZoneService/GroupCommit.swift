import Foundation
import ZoneStore

/// Writes that arrive together share one commit. Each write runs in its own savepoint inside one
/// write transaction: it is all or nothing by itself (a failing write is rolled back and answered
/// with its error, the others stay), and all of them are durable after the one COMMIT — one fsync
/// instead of one per request. Nobody is answered before that commit, so a write reported as
/// recorded is on disk exactly as with one transaction per request (`make crashtest`).
///
/// While a group commits, new writes queue; the next group takes all of them. With one writer
/// nothing waits for company: a lone request commits at once.
public actor GroupCommit {
    private let session: WorkspaceSession
    private var queue: [Job] = []
    private var draining = false

    /// Commits made so far (groups, not requests).
    public private(set) var commits = 0
    /// Writes waiting for the next group.
    public var waiting: Int { queue.count }

    public init(session: WorkspaceSession) { self.session = session }

    struct Job: Sendable {
        let work: @Sendable (Workspace) throws -> any Sendable
        let done: @Sendable (Result<any Sendable, Error>) -> Void
    }

    /// Runs `work` inside the next group's write transaction and returns after it committed.
    public func run<T: Sendable>(_ work: @escaping @Sendable (Workspace) throws -> T) async throws -> T {
        let value = try await withCheckedThrowingContinuation { (c: CheckedContinuation<any Sendable, Error>) in
            queue.append(Job(work: { try work($0) }, done: { c.resume(with: $0) }))
            if !draining {
                draining = true
                Task { await self.drain() }
            }
        }
        return value as! T
    }

    private func drain() async {
        while !queue.isEmpty {
            let group = queue
            queue = []
            let outcomes: [Result<any Sendable, Error>]
            do {
                outcomes = try await session.run { ws in
                    try ws.store.writeTransaction {
                        group.map { job in Result { try ws.store.savepoint { try job.work(ws) } } }
                    }
                }
            } catch {
                // The commit (or taking the writers' lock) failed: nothing of the group is stored.
                for job in group { job.done(.failure(error)) }
                continue
            }
            commits += 1
            for (job, outcome) in zip(group, outcomes) { job.done(outcome) }
        }
        draining = false
    }
}
