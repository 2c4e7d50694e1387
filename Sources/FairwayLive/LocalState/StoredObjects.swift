import FairwayCore

/// One object of the local state as stored: its identity columns and its canonical JSON body, not
/// yet parsed. A plan parses only the rows whose text differs from the desired object's (see
/// `StoredObjects`), so planning against an applied state does not parse every object again.
public struct StoredObject: Sendable {
    /// `group/kind/namespace/name`, as `LocalStateStore.rowIdentity` joins a key.
    public let identity: String
    /// The canonical JSON body (`JSONWriter.canonicalBytes`), as `LocalStateRows.put` wrote it.
    public let body: [UInt8]
}

/// The objects of the local state, read without parsing, with what is needed to parse them later.
public struct StoredObjects: Sendable {
    public let rows: [StoredObject]
    /// The database the rows were read from, named in errors.
    public let path: String

    /// The identity a row of `key` has.
    public static func identity(of key: ObjectKey) -> String { LocalStateStore.rowIdentity(key) }

    /// Parses one row; a row that is not a valid object of its identity is named as corrupt.
    public func manifest(_ row: StoredObject) throws(LiveStateError) -> Manifest {
        try LocalStateStore.decode(row.body, identity: row.identity, path: path)
    }
}

/// A live state that can hand out its objects unparsed (the local state, in its database format).
public protocol StoredObjectsReader: LiveStateReader {
    /// The stored rows; nil when the state is not in the database format (read `listObjects` instead).
    func storedObjects() throws(LiveStateError) -> StoredObjects?
}

extension LocalStateStore: StoredObjectsReader {
    public func storedObjects() throws(LiveStateError) -> StoredObjects? {
        guard let connection = try openForReading() else { return legacy.exists ? nil : StoredObjects(rows: [], path: databasePath) }
        return StoredObjects(rows: try Self.readRows(connection), path: connection.path)
    }
}

extension LockedLocalState: StoredObjectsReader {
    public func storedObjects() throws(LiveStateError) -> StoredObjects? { try store.storedObjects() }
}
