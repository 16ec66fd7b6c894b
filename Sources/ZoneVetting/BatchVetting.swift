import Foundation
import ZoneGeometry
import ZonePlan

// MARK: - GeoJSON text sequences

/// One record of a GeoJSON text sequence: its bytes (one JSON text, whitespace trimmed), its
/// 1-based number among the file's records and the label that names it in errors (`FILE#N`).
public struct TextSequenceRecord: Sendable, Equatable {
    public var number: Int
    public var label: String
    public var bytes: Data
    public init(number: Int, label: String, bytes: Data) {
        self.number = number; self.label = label; self.bytes = bytes
    }
}

/// Splits a byte stream into the records of a GeoJSON text sequence, reading it incrementally in
/// chunks (never the whole stream):
///
/// - RFC 8142 / RFC 7464: each record is prefixed by RS (0x1E) and ended by LF; a record may span
///   lines. This mode is chosen when the first non-blank byte is RS.
/// - newline-delimited ("GeoJSONL", "ndjson"): one Feature per line; blank lines are skipped.
///
/// Records are numbered 1, 2, … in order, blank ones not counted. A record longer than
/// `maxRecordBytes` is skipped (its bytes are not kept) and reported as an error, so memory stays
/// bounded whatever the input. Single-thread: read it from one thread.
public final class TextSequenceReader {
    public enum Mode: Sendable, Equatable { case recordSeparator, lines }

    public let label: String
    public let chunkSize: Int
    public let maxRecordBytes: Int
    /// The mode, known once the first non-blank byte has been read.
    public private(set) var mode: Mode?
    /// Bytes taken from the source so far.
    public private(set) var bytesRead = 0

    private let read: (Int) throws -> Data?
    private var buffer: [UInt8] = []
    private var start = 0       // first unconsumed byte of `buffer`
    private var scanned = 0     // bytes from `start` already searched for a delimiter
    private var atEOF = false
    private var number = 0
    private var sawFirstBytes = false
    private var discarding = false   // inside an oversized record

    static let rs: UInt8 = 0x1E
    static let lf: UInt8 = 0x0A

    /// - Parameters:
    ///   - label: the file's name in errors (`stdin` for standard input); records are `label#N`.
    ///   - initial: bytes already read from the source (e.g. while detecting the format).
    ///   - read: returns up to the given number of bytes, empty or nil at the end of the stream.
    public init(label: String, initial: Data = Data(), chunkSize: Int = 64 * 1024, maxRecordBytes: Int = 64 << 20,
                read: @escaping (Int) throws -> Data?) {
        self.label = label
        self.chunkSize = max(1, chunkSize)
        self.maxRecordBytes = max(1, maxRecordBytes)
        self.read = read
        buffer = [UInt8](initial)
        bytesRead = initial.count
    }

    /// Reads `handle` (a file or standard input) chunk by chunk.
    public convenience init(handle: FileHandle, label: String, initial: Data = Data(), chunkSize: Int = 64 * 1024) {
        self.init(label: label, initial: initial, chunkSize: chunkSize) { n in try handle.read(upToCount: n) }
    }

    /// The records of an in-memory byte string, read in chunks of `chunkSize` (tests use tiny chunks).
    public convenience init(data: Data, label: String, chunkSize: Int = 64 * 1024) {
        var offset = data.startIndex
        self.init(label: label, chunkSize: chunkSize) { n in
            let end = min(offset + n, data.endIndex)
            defer { offset = end }
            return data[offset..<end]
        }
    }

    /// The next record, an error for a record that could not be kept (too long), or nil at the end.
    public func next() throws -> Result<TextSequenceRecord, ApplicationError>? {
        while true {
            if mode == nil { try detectMode(); if mode == nil { return nil } }
            let delimiter = mode == .recordSeparator ? Self.rs : Self.lf
            // Search the unscanned part of the buffer for the delimiter.
            var found: Int?
            var i = start + scanned
            while i < buffer.count {
                if buffer[i] == delimiter { found = i; break }
                i += 1
            }
            if let end = found {
                let record = emit(from: start, to: end)
                start = end + 1
                scanned = 0
                compact()
                if let record { return record }
                continue
            }
            scanned = buffer.count - start
            if atEOF {
                guard start < buffer.count || discarding else { return nil }
                let record = emit(from: start, to: buffer.count)
                start = buffer.count
                scanned = 0
                if let record { return record }
                return nil
            }
            if scanned > maxRecordBytes && !discarding {
                // Drop what we hold of this record; report it when its end is reached.
                discarding = true
            }
            if discarding { buffer.removeAll(keepingCapacity: true); start = 0; scanned = 0 }
            try fill()
        }
    }

    /// All the remaining records (tests, small inputs).
    public func readAll() throws -> [Result<TextSequenceRecord, ApplicationError>] {
        var out: [Result<TextSequenceRecord, ApplicationError>] = []
        while let r = try next() { out.append(r) }
        return out
    }

    /// Bytes `from..<to` as a record: nil when blank. A RS-mode record's trailing LF and any
    /// surrounding whitespace are trimmed.
    private func emit(from: Int, to: Int) -> Result<TextSequenceRecord, ApplicationError>? {
        if discarding {
            discarding = false
            number += 1
            return .failure(ApplicationError(application: "\(label)#\(number)", field: "record",
                                             message: "longer than \(maxRecordBytes) bytes; skipped"))
        }
        var a = from, b = to
        while a < b, Self.isSpace(buffer[a]) { a += 1 }
        while b > a, Self.isSpace(buffer[b - 1]) { b -= 1 }
        guard a < b else { return nil }
        number += 1
        return .success(TextSequenceRecord(number: number, label: "\(label)#\(number)", bytes: Data(buffer[a..<b])))
    }

    static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 }

    private func detectMode() throws {
        while true {
            if !sawFirstBytes, buffer.count - start >= 3 || atEOF {
                sawFirstBytes = true
                if buffer[start...].starts(with: [0xEF, 0xBB, 0xBF]) { start += 3 }  // UTF-8 BOM
            }
            if sawFirstBytes {
                while start < buffer.count, Self.isSpace(buffer[start]) { start += 1 }
                if start < buffer.count {
                    mode = buffer[start] == Self.rs ? .recordSeparator : .lines
                    if mode == .recordSeparator { start += 1 }  // the first record starts after its RS
                    return
                }
            }
            if atEOF { return }
            try fill()
        }
    }

    private func fill() throws {
        guard !atEOF else { return }
        guard let chunk = try read(chunkSize), !chunk.isEmpty else { atEOF = true; return }
        bytesRead += chunk.count
        buffer.append(contentsOf: chunk)
    }

    /// Drops consumed bytes once they are the larger part of the buffer.
    private func compact() {
        if start > 0, start >= buffer.count / 2 {
            buffer.removeSubrange(0..<start)
            start = 0
        }
    }
}

// MARK: - Input kinds

/// How an application file is laid out, told from its name and first bytes.
public enum ApplicationInputKind: Sendable, Equatable {
    /// A GeoJSON text sequence (RS-prefixed or one Feature per line): read incrementally.
    case textSequence
    /// A Feature, a FeatureCollection or a 报部 TXT: read whole.
    case whole

    /// File name endings of GeoJSON text sequences.
    public static let sequenceExtensions = ["geojsons", "geojsonl", "geojsonseq", "ndjson", "jsonl"]

    public static func isSequenceName(_ path: String) -> Bool {
        sequenceExtensions.contains((path as NSString).pathExtension.lowercased())
    }

    /// Tells the layout from the stream's first bytes `head` (`complete`: the whole stream), or
    /// nil when more bytes are needed. A sequence starts with RS, or its first line is a complete
    /// Feature and more follows; one Feature alone is the plain single-application file.
    public static func detect(head: Data, complete: Bool) -> ApplicationInputKind? {
        var bytes = head[...]
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        guard let first = bytes.firstIndex(where: { !TextSequenceReader.isSpace($0) }) else { return complete ? .whole : nil }
        if bytes[first] == TextSequenceReader.rs { return .textSequence }
        guard bytes[first] == UInt8(ascii: "{") else { return .whole }
        guard let lf = bytes[first...].firstIndex(of: TextSequenceReader.lf) else { return complete ? .whole : nil }
        guard let v = try? JSONValue.parse(Data(bytes[first..<lf])), v["type"]?.stringValue == "Feature" else { return .whole }
        if bytes[(lf + 1)...].contains(where: { !TextSequenceReader.isSpace($0) }) { return .textSequence }
        return complete ? .whole : nil
    }
}

// MARK: - Reading applications from a sequence

extension ApplicationFile {
    /// One record of a text sequence as an application: a GeoJSON Feature whose properties and
    /// site are checked as for a file (`Application.parse`). Errors name `record.label`.
    public static func read(record: TextSequenceRecord, catalog: IndustryCatalog, engine: GeometryEngine) -> Result<Application, ApplicationError> {
        let label = record.label
        let value: JSONValue
        do { value = try JSONValue.parse(record.bytes) } catch {
            let reason = (error as? GeoJSONError)?.reason ?? "\(error)"
            return .failure(ApplicationError(application: label, field: "record", message: reason))
        }
        let type = value["type"]?.stringValue ?? "(no type)"
        guard type == "Feature" else {
            return .failure(ApplicationError(application: label, field: "type",
                                             message: "expected a GeoJSON Feature (one per record), got \(type)"))
        }
        let feature: Feature
        do { feature = try GeoJSON.parseFeature(value, path: "") } catch let e as GeoJSONError {
            return .failure(ApplicationError(application: label, field: e.path.isEmpty ? "record" : e.path, message: e.reason))
        } catch {
            return .failure(ApplicationError(application: label, field: "record", message: "\(error)"))
        }
        do { return .success(try Application.parse(feature, label: label, catalog: catalog, engine: engine)) }
        catch let e as ApplicationError { return .failure(e) }
        catch { return .failure(ApplicationError(application: label, field: "application", message: "\(error)")) }
    }
}

/// Reads the applications of a GeoJSON text sequence one by one, each as the application or the
/// one-line error that stopped it (the next records are still read).
public final class ApplicationSequenceReader {
    public let records: TextSequenceReader
    let catalog: IndustryCatalog
    let engine: GeometryEngine

    public init(records: TextSequenceReader, catalog: IndustryCatalog, engine: GeometryEngine) {
        self.records = records; self.catalog = catalog; self.engine = engine
    }

    /// The next application with its label (`FILE#N`), or nil at the end of the stream.
    public func next() throws -> (label: String, application: Result<Application, ApplicationError>)? {
        guard let r = try records.next() else { return nil }
        switch r {
        case .failure(let e): return (e.application, .failure(e))
        case .success(let record): return (record.label, ApplicationFile.read(record: record, catalog: catalog, engine: engine))
        }
    }
}

// MARK: - Ordered parallel batch vetting

/// One input of a batch run.
public enum BatchItem: Sendable {
    /// An application already read.
    case application(label: String, Application)
    /// A text-sequence record, read (JSON, properties, site validity) on a worker.
    case record(TextSequenceRecord)
    /// Bad input found before vetting; passed to the sink in its place in the order.
    case invalid(ApplicationError)

    /// Reads the item on the calling thread (`.record` with `engine`).
    public func read(catalog: IndustryCatalog, engine: GeometryEngine) -> (label: String, application: Result<Application, ApplicationError>) {
        switch self {
        case .application(let label, let app): return (label, .success(app))
        case .record(let r): return (r.label, ApplicationFile.read(record: r, catalog: catalog, engine: engine))
        case .invalid(let e): return (e.application, .failure(e))
        }
    }
}

/// What became of one input, in input order.
public enum BatchOutcome: Sendable {
    case vetted(label: String, application: Application, result: VettingResult)
    /// Vetted and already encoded on the worker (`BatchVetter.encode` set): the bytes to write.
    case encoded(label: String, verdict: Verdict, bytes: Data)
    /// Bad input: reported, not vetted.
    case badInput(ApplicationError)
    /// A geometry library failed while vetting (an internal error, not the applicant's).
    case failed(label: String, message: String)

    public var label: String {
        switch self {
        case .vetted(let l, _, _), .failed(let l, _), .encoded(let l, _, _): return l
        case .badInput(let e): return e.application
        }
    }
}

/// Vets a stream of applications on `jobs` worker threads, one `VettingEngine` per thread (an
/// engine holds GEOS and PROJ contexts and is never shared), in batches of `batchSize`, and hands
/// the outcomes to a sink **in input order**, on the calling thread.
///
/// Memory is bounded: at most `maxBatchesInFlight` batches (default 2 × jobs) are read but not
/// yet handed to the sink, so at most `maxApplicationsInFlight` applications and their results
/// are held, whatever the input size. With `jobs == 1` everything runs on the calling thread.
/// Batches start at 16 applications and double up to `batchSize`, so a short input still
/// spreads over the workers. Workers are started as batches arrive (a handful of applications
/// builds one engine, not `jobs`). A `BatchVetter` runs one stream at a time.
public final class BatchVetter {
    public let plan: PlanData
    public let jobs: Int
    public let batchSize: Int
    public let maxBatchesInFlight: Int
    private let makeEngine: () throws -> VettingEngine
    /// When set, each result is encoded on the worker that vetted it and handed to the sink as
    /// `.encoded`: with several jobs the caller's thread would otherwise do all the encoding.
    public var encode: ((Application, VettingResult) throws -> Data)?
    /// The 亩均效益 evaluation every worker's engine looks applicants up in.
    public var standings: FirmStandings?

    /// The bound on applications read and not yet handed to the sink.
    public var maxApplicationsInFlight: Int { jobs == 1 ? 1 : batchSize * maxBatchesInFlight }
    /// The most applications held at once during the last run (for tests of the bound).
    public private(set) var peakApplicationsInFlight = 0
    /// Engines (worker threads) built during the last run.
    public private(set) var enginesBuilt = 0

    /// - Parameter makeEngine: builds one worker's engine (default `VettingEngine(plan:)`); it is
    ///   called on the worker's own thread.
    public init(plan: PlanData, jobs: Int = ProcessInfo.processInfo.activeProcessorCount, batchSize: Int = 256,
                maxBatchesInFlight: Int? = nil, makeEngine: (() throws -> VettingEngine)? = nil) {
        self.plan = plan
        self.jobs = max(1, jobs)
        self.batchSize = max(1, batchSize)
        self.maxBatchesInFlight = max(1, maxBatchesInFlight ?? 2 * max(1, jobs))
        // Every worker's engine shares one compiled plan geometry (projected, indexed once).
        let compiled = CompiledOnce(plan: plan)
        self.makeEngine = makeEngine ?? { try VettingEngine(plan: plan, compiled: compiled.get()) }
    }

    /// The first batch's size; each next batch doubles, up to `batchSize`.
    static let firstBatchSize = 16

    /// Reads and vets one item with `engine`.
    static func process(_ item: BatchItem, engine: VettingEngine, catalog: IndustryCatalog,
                        encode: ((Application, VettingResult) throws -> Data)? = nil) -> BatchOutcome {
        let (label, read) = item.read(catalog: catalog, engine: engine.engine)
        switch read {
        case .failure(let e): return .badInput(e)
        case .success(let app):
            let result: VettingResult
            do { result = try engine.vet(app) } catch { return .failed(label: label, message: "\(error)") }
            guard let encode else { return .vetted(label: label, application: app, result: result) }
            do { return .encoded(label: label, verdict: result.verdict, bytes: try encode(app, result)) }
            catch { return .failed(label: label, message: "cannot encode the result: \(error)") }
        }
    }

    /// Vets every item `next` yields until it returns nil, calling `sink` once per item in input
    /// order. An error thrown by `next`, `sink` or an engine's construction stops the run (the
    /// workers finish their batch and exit) and is rethrown.
    public func run(_ next: () throws -> BatchItem?, sink: (BatchOutcome) throws -> Void) throws {
        peakApplicationsInFlight = 0
        enginesBuilt = 0
        if jobs == 1 { try runInline(next, sink: sink); return }
        let make = makeEngine, standings = standings
        let pool = WorkerPool(jobs: jobs, catalog: plan.industries,
                              makeEngine: { let e = try make(); e.standings = standings; return e }, encode: encode)
        defer { pool.close() }
        var submitted = 0, emitted = 0      // batch sequence numbers
        var held: [Int: Int] = [:]          // batch → size, for batches read but not handed on
        var heldCount = 0
        var pending: [BatchItem] = []

        func deliver(_ outs: [(Int, [BatchOutcome])]) throws {
            for (seq, batch) in outs {
                for o in batch { try sink(o) }
                heldCount -= held.removeValue(forKey: seq) ?? 0
                emitted += 1
            }
        }
        func submit() {
            guard !pending.isEmpty else { return }
            held[submitted] = pending.count
            pool.submit(seq: submitted, items: pending)
            submitted += 1
            pending = []
        }
        var exhausted = false
        while !exhausted {
            // Room for a new batch before reading it: batches in flight stay within the bound.
            while submitted - emitted >= maxBatchesInFlight { try deliver(pool.take(from: emitted, wait: true)) }
            try deliver(pool.take(from: emitted, wait: false))
            // Small batches first, so a short input still spreads over the workers and the
            // first results come soon; then full batches.
            let size = min(batchSize, Self.firstBatchSize << min(submitted, 20))
            while pending.count < size {
                guard let item = try next() else { exhausted = true; break }
                pending.append(item)
                heldCount += 1
                peakApplicationsInFlight = max(peakApplicationsInFlight, heldCount)
            }
            submit()
        }
        while emitted < submitted { try deliver(pool.take(from: emitted, wait: true)) }
        enginesBuilt = pool.started
    }

    /// A sequence of items (tests, an in-memory file).
    public func run<S: Sequence>(_ items: S, sink: (BatchOutcome) throws -> Void) throws where S.Element == BatchItem {
        var it = items.makeIterator()
        try run({ it.next() }, sink: sink)
    }

    private func runInline(_ next: () throws -> BatchItem?, sink: (BatchOutcome) throws -> Void) throws {
        var engine: VettingEngine?
        while let item = try next() {
            peakApplicationsInFlight = 1
            if engine == nil { engine = try makeEngine(); engine?.standings = standings; enginesBuilt = 1 }
            try sink(Self.process(item, engine: engine!, catalog: plan.industries, encode: encode))
        }
    }
}

/// Worker threads fed from one queue of batches; finished batches are kept by sequence number
/// until the caller takes them in order. Each worker builds its engine on its own thread.
private final class WorkerPool: @unchecked Sendable {
    private let cond = NSCondition()
    private var queue: [(seq: Int, items: [BatchItem])] = []
    private var done: [Int: [BatchOutcome]] = [:]
    private var closed = false
    private var idle = 0
    private(set) var started = 0
    private var failure: Error?
    private let jobs: Int
    private let catalog: IndustryCatalog
    private let makeEngine: () throws -> VettingEngine
    private let encode: ((Application, VettingResult) throws -> Data)?

    init(jobs: Int, catalog: IndustryCatalog, makeEngine: @escaping () throws -> VettingEngine,
         encode: ((Application, VettingResult) throws -> Data)?) {
        self.jobs = jobs; self.catalog = catalog; self.makeEngine = makeEngine; self.encode = encode
    }

    func submit(seq: Int, items: [BatchItem]) {
        cond.lock()
        queue.append((seq, items))
        // A new worker only when none is idle to take the batch.
        let spawn = idle < queue.count && started < jobs
        if spawn { started += 1 }
        cond.broadcast()
        cond.unlock()
        if spawn {
            let t = Thread { [self] in work() }
            t.stackSize = 8 << 20
            t.start()
        }
    }

    /// The finished batches from `seq` on, in order; waits for `seq` when `wait`.
    func take(from seq: Int, wait: Bool) throws -> [(Int, [BatchOutcome])] {
        cond.lock()
        defer { cond.unlock() }
        while wait && done[seq] == nil && failure == nil { cond.wait() }
        if let failure { throw failure }
        var out: [(Int, [BatchOutcome])] = []
        var s = seq
        while let b = done.removeValue(forKey: s) { out.append((s, b)); s += 1 }
        return out
    }

    func close() {
        cond.lock()
        closed = true
        queue.removeAll()
        cond.broadcast()
        cond.unlock()
    }

    private func work() {
        let engine: VettingEngine
        do { engine = try makeEngine() } catch {
            cond.lock(); failure = failure ?? error; cond.broadcast(); cond.unlock()
            return
        }
        while true {
            cond.lock()
            idle += 1
            while queue.isEmpty && !closed { cond.wait() }
            idle -= 1
            if closed { cond.unlock(); return }
            let job = queue.removeFirst()
            cond.unlock()
            let outs = job.items.map { BatchVetter.process($0, engine: engine, catalog: catalog, encode: encode) }
            cond.lock()
            done[job.seq] = outs
            cond.broadcast()
            cond.unlock()
        }
    }
}

/// The plan's compiled geometry, built by the first worker that needs it and shared by the rest.
final class CompiledOnce: @unchecked Sendable {
    private let plan: PlanData
    private let lock = NSLock()
    private var compiled: CompiledPlanGeometry?
    init(plan: PlanData) { self.plan = plan }
    func get() throws -> CompiledPlanGeometry {
        lock.lock(); defer { lock.unlock() }
        if let compiled { return compiled }
        let c = try CompiledPlanGeometry(plan: plan)
        compiled = c
        return c
    }
}
