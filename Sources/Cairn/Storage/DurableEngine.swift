/// An `Engine` whose writes go through the write-ahead log: opening recovers
/// the state from the data directory, and every command that changed
/// something is logged as one record before `execute` returns (under
/// `.always`, synced: a returned write is durable).
///
/// Synchronous for now: the caller's thread writes and syncs. The
/// group-commit log thread will drive the same `LogWriter` and release
/// replies when their record is durable.
///
/// ```swift
/// let store = try DurableEngine.open(directory: "/data")
/// var session = Session()
/// let execution = try store.execute([Array("SET".utf8), Array("k".utf8), Array("v".utf8)], session: &session)
/// // execution.reply == .simple("OK"), and the write is on stable storage
/// try store.close()
/// ```
public final class DurableEngine {
    public let engine: Engine
    public let recovery: RecoveryReport
    public let policy: FsyncPolicy
    public let writer: LogWriter
    private let directory: DataDirectory

    private init(engine: Engine, recovery: RecoveryReport, policy: FsyncPolicy, writer: LogWriter, directory: DataDirectory) {
        self.engine = engine
        self.recovery = recovery
        self.policy = policy
        self.writer = writer
        self.directory = directory
    }

    /// Opens (creating if missing) and locks `directory`, recovers the
    /// engine from its log, and gets ready to append after the last record.
    /// Refuses to open a damaged log (`StorageError.corruption`) or a
    /// directory another engine holds (`.directoryLocked`).
    public static func open(
        directory path: String, fileIO: any FileIO = PosixFileIO(), policy: FsyncPolicy = .always,
        configuration: EngineConfiguration = EngineConfiguration(), log: LogConfiguration = LogConfiguration()
    ) throws(StorageError) -> DurableEngine {
        let directory = try DataDirectory.open(path, fileIO: fileIO)
        do throws(StorageError) {
            let engine = Engine(configuration: configuration)
            let (report, resume) = try Recovery.run(directory: directory, engine: engine, configuration: log)
            let writer = try LogWriter(directory: directory, resume: resume, configuration: log)
            return DurableEngine(engine: engine, recovery: report, policy: policy, writer: writer, directory: directory)
        } catch {
            directory.close()
            throw error
        }
    }

    /// Runs one command; if it changed something, logs its effects as one
    /// record and flushes per policy before returning.
    ///
    /// A write command is refused before it runs while the log cannot take
    /// it (disk full: retried first, so writes resume once space returns;
    /// after a failed sync: for good). A read runs whatever the log's state;
    /// the expiry deletions it may cause are logged when the log can.
    public func execute(_ argv: [Bytes], session: inout Session) throws(StorageError) -> Execution {
        let writes = DurableEngine.isWrite(argv)
        if writes { try ensureWritable() }
        let execution = engine.execute(argv, session: &session)
        try log(execution.effects, acknowledging: writes)
        return execution
    }

    /// Runs a `MULTI/EXEC` batch; its effects are one record.
    public func executeTransaction(_ commands: [[Bytes]], session: inout Session) throws(StorageError) -> Execution {
        let writes = commands.contains(where: DurableEngine.isWrite)
        if writes { try ensureWritable() }
        let execution = engine.executeTransaction(commands, session: &session)
        try log(execution.effects, acknowledging: writes)
        return execution
    }

    /// Writes and syncs what the log holds (whatever the policy: a clean
    /// shutdown loses nothing), closes it and releases the directory's lock.
    public func close() throws(StorageError) {
        defer {
            writer.close()
            directory.close()
        }
        if writer.refusal == nil { try writer.flush(.always) }
    }

    private func ensureWritable() throws(StorageError) {
        switch writer.state {
        case .writable: return
        case .diskFull: try writer.flush(policy)  // the retry
        case .failed, .closed: if let refusal = writer.refusal { throw refusal }
        }
    }

    private func log(_ effects: [Effect], acknowledging writes: Bool) throws(StorageError) {
        guard !effects.isEmpty else { return }
        do throws(StorageError) {
            try writer.append(effects, timestampMilliseconds: engine.clock.nowMilliseconds())
            try writer.flush(policy)
        } catch {
            // A read's reply does not depend on its expiry deletions being
            // durable; a write's reply does.
            if writes { throw error }
        }
    }

    static func isWrite(_ argv: [Bytes]) -> Bool {
        guard let name = argv.first, let spec = CommandTable.lookup(name) else { return false }
        return spec.flags.contains(.write)
    }
}
