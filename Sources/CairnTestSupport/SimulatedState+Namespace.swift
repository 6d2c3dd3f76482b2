import Cairn

/// Directory operations. Every create, rename and unlink is recorded as a
/// volatile change of its directory; only `syncDirectory` of that directory
/// makes it durable (a file's own sync does not, as the architecture assumes
/// of ext4/xfs).
extension SimulatedState {
    mutating func rename(_ source: String, to destination: String) throws(IOError) {
        let failure = { (errno: Errno) in IOError(.rename, path: source, destination: destination, errno: errno) }
        let from = SimulatedPath(source), to = SimulatedPath(destination)
        guard let moving = try entry(at: from, failure) else { throw failure(.noSuchFile) }
        let replaced = try entry(at: to, failure)
        // The model keeps one directory's changes apart from another's, so it
        // cannot make a cross-directory rename atomic across a power cut as a
        // journal does; Cairn renames only within its data directory.
        guard from.parent == to.parent else { throw failure(.crossDevice) }
        // Directories are kept by path, so the model renames files only.
        guard moving != .directory, replaced != .directory, !from.isRoot, !to.isRoot else {
            throw failure(.isDirectory)
        }
        guard from != to else { return }
        directories[from.parent]!.record(.rename(from: from.name, to: to.name))
        collectGarbage()
    }

    mutating func unlink(_ path: String) throws(IOError) {
        let failure = { (errno: Errno) in IOError(.unlink, path: path, errno: errno) }
        let location = SimulatedPath(path)
        switch try entry(at: location, failure) {
        case nil: throw failure(.noSuchFile)
        case .directory?: throw failure(.isDirectory)
        case .file?: directories[location.parent]!.record(.unlink(name: location.name))
        }
        collectGarbage()
    }

    /// Durability point for a directory's entries (unless a fault is injected).
    mutating func syncDirectory(_ path: String) throws(IOError) {
        let failure = { (errno: Errno) in IOError(.syncDirectory, path: path, errno: errno) }
        let location = try directory(at: SimulatedPath(path), failure)
        if faults.syncFailure.fires(for: location.text, using: &random) {
            directories[location]!.failSync()
            statistics.failedSyncs += 1
            throw failure(faults.syncErrno)
        }
        directories[location]!.sync()
        statistics.directorySyncs += 1
        collectGarbage()
    }

    func listDirectory(_ path: String) throws(IOError) -> [String] {
        let location = try directory(at: SimulatedPath(path)) { IOError(.listDirectory, path: path, errno: $0) }
        return directories[location]!.current.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    mutating func makeDirectory(_ path: String) throws(IOError) {
        let failure = { (errno: Errno) in IOError(.makeDirectory, path: path, errno: errno) }
        let location = SimulatedPath(path)
        guard try entry(at: location, failure) == nil else { throw failure(.fileExists) }
        directories[location.parent]!.record(.link(name: location.name, entry: .directory))
        directories[location] = SimulatedDirectory()
    }

    func fileExists(_ path: String) -> Bool {
        (try? entry(at: SimulatedPath(path)) { IOError(.open, path: path, errno: $0) }) != nil
    }

    /// What `location` names now; `nil` when its directory exists but the name
    /// does not. Fails with `ENOENT`/`ENOTDIR` when the directory is missing.
    func entry(at location: SimulatedPath, _ failure: (Errno) -> IOError) throws(IOError) -> DirectoryEntry? {
        if location.isRoot { return .directory }
        _ = try directory(at: location.parent, failure)
        return directories[location.parent]!.current[location.name]
    }

    /// `location` if it is an existing directory; else `ENOTDIR` when it or an
    /// ancestor is a file, `ENOENT` when something is missing.
    func directory(at location: SimulatedPath, _ failure: (Errno) -> IOError) throws(IOError) -> SimulatedPath {
        if directories[location] != nil { return location }
        var walked = SimulatedPath("/")
        for name in location.components {
            switch directories[walked]?.current[name] {
            case .directory?: walked = walked.appending(name)
            case .file?: throw failure(.notDirectory)
            case nil: throw failure(.noSuchFile)
            }
        }
        throw failure(.noSuchFile)
    }
}
