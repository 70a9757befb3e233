import Foundation

/// A trained model as one object for S3. Layout:
///
///     8 bytes   magic "GMRALS\r\n" (the CR LF catches text-mode transfers)
///     4 bytes   header length H, UInt32 little-endian
///     H bytes   JSON header: format version, factors, counts, parameters, game ids, optional
///               player ids, optional creation time
///     games × factors Float32 little-endian: game factors, row-major
///     players × factors Float32 little-endian: player factors, row-major
///     4 bytes   CRC-32 of everything from the header length up to here, UInt32 little-endian
///
/// Game ids are always included (a recommendation names games). Player ids are optional: a service
/// that folds every player in from recent activity only needs the game factors.
public struct ModelArtifact: Sendable, Equatable {
    public static let formatVersion = 1
    static let magic: [UInt8] = Array("GMRALS\r\n".utf8)

    public var model: FactorModel
    public var parameters: ALSParameters
    /// `gameIds[g]` is the external id of game index g.
    public var gameIds: [String]
    /// `playerIds[p]` is the external id of player index p, when kept.
    public var playerIds: [String]?
    /// When it was trained, ISO 8601, for humans.
    public var createdAt: String?

    public init(
        model: FactorModel, parameters: ALSParameters, gameIds: [String], playerIds: [String]? = nil,
        createdAt: String? = nil
    ) {
        precondition(gameIds.count == model.games && (playerIds?.count ?? model.players) == model.players)
        self.model = model
        self.parameters = parameters
        self.gameIds = gameIds
        self.playerIds = playerIds
        self.createdAt = createdAt
    }

    public func encode() -> [UInt8] {
        let header = ArtifactHeader(
            formatVersion: Self.formatVersion, factors: model.factors, games: model.games, players: model.players,
            parameters: parameters, gameIds: gameIds, playerIds: playerIds, createdAt: createdAt)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        // Encoding plain strings, numbers and enums cannot fail.
        let json = Array(try! encoder.encode(header))
        var bytes = Self.magic
        bytes.reserveCapacity(8 + 4 + json.count + 4 * (model.gameFactors.count + model.playerFactors.count) + 4)
        Self.append(UInt32(json.count), to: &bytes)
        bytes += json
        Self.append(model.gameFactors, to: &bytes)
        Self.append(model.playerFactors, to: &bytes)
        let crc = bytes.withUnsafeBytes { CRC32.checksum(UnsafeRawBufferPointer(rebasing: $0[Self.magic.count...])) }
        Self.append(crc, to: &bytes)
        return bytes
    }

    public init(decoding bytes: [UInt8]) throws(ModelArtifactError) {
        let magicCount = Self.magic.count
        guard bytes.count >= magicCount, Array(bytes[0..<magicCount]) == Self.magic else { throw .notAnArtifact }
        guard bytes.count >= magicCount + 4 + 4 else { throw .wrongLength(expected: magicCount + 8, actual: bytes.count) }
        let headerLength = Int(Self.readUInt32(bytes, at: magicCount))
        let headerStart = magicCount + 4
        guard headerLength <= bytes.count - headerStart - 4 else {
            throw .wrongLength(expected: headerStart + headerLength + 4, actual: bytes.count)
        }
        // A cut upload is told from a corrupted one by the length the header announces; only then
        // is the checksum compared, and only bytes that pass it are trusted any further.
        let stored = Self.readUInt32(bytes, at: bytes.count - 4)
        let computed = bytes.withUnsafeBytes {
            CRC32.checksum(UnsafeRawBufferPointer(rebasing: $0[magicCount..<(bytes.count - 4)]))
        }
        let parsed = Result { try JSONDecoder().decode(ArtifactHeader.self, from: Data(bytes[headerStart..<(headerStart + headerLength)])) }
        let expected = (try? parsed.get()).flatMap { Self.totalLength(of: $0, headerLength: headerLength) }
        if let expected, expected != bytes.count { throw .wrongLength(expected: expected, actual: bytes.count) }
        guard stored == computed else { throw .checksumMismatch(expected: stored, actual: computed) }
        let header: ArtifactHeader
        switch parsed {
        case .success(let decoded): header = decoded
        case .failure(let error): throw .invalidHeader("\(error)")
        }
        guard header.formatVersion == Self.formatVersion else { throw .unsupportedVersion(header.formatVersion) }
        guard expected != nil else { throw .invalidHeader("factors must be positive, counts not negative") }
        guard header.gameIds.count == header.games else {
            throw .invalidHeader("\(header.gameIds.count) game ids for \(header.games) games")
        }
        if let playerIds = header.playerIds, playerIds.count != header.players {
            throw .invalidHeader("\(playerIds.count) player ids for \(header.players) players")
        }
        guard header.parameters.factors == header.factors else { throw .invalidHeader("parameters disagree on factors") }
        let gameStart = headerStart + headerLength
        let playerStart = gameStart + 4 * header.games * header.factors
        let gameFactors = Self.readFloats(bytes, at: gameStart, count: header.games * header.factors)
        let playerFactors = Self.readFloats(bytes, at: playerStart, count: header.players * header.factors)
        model = FactorModel(
            factors: header.factors, players: header.players, games: header.games, playerFactors: playerFactors,
            gameFactors: gameFactors)
        parameters = header.parameters
        gameIds = header.gameIds
        playerIds = header.playerIds
        createdAt = header.createdAt
    }

    /// The artifact's length in bytes by its header, or nil if the header's counts are impossible.
    private static func totalLength(of header: ArtifactHeader, headerLength: Int) -> Int? {
        guard header.factors > 0, header.games >= 0, header.players >= 0 else { return nil }
        let floats = (header.games + header.players).multipliedReportingOverflow(by: header.factors)
        guard !floats.overflow, floats.partialValue <= Int.max / 8 else { return nil }
        return magic.count + 4 + headerLength + 4 * floats.partialValue + 4
    }

    private static func append(_ value: UInt32, to bytes: inout [UInt8]) {
        let little = value.littleEndian
        withUnsafeBytes(of: little) { bytes += $0 }
    }

    /// Float32 little-endian: the array's own bytes on a little-endian host (one copy of a few
    /// hundred MB at a million players), value by value otherwise.
    private static func append(_ values: [Float], to bytes: inout [UInt8]) {
        #if _endian(little)
            values.withUnsafeBytes { bytes += $0 }
        #else
            for value in values { append(value.bitPattern, to: &bytes) }
        #endif
    }

    private static func readUInt32(_ bytes: [UInt8], at offset: Int) -> UInt32 {
        UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16 | UInt32(bytes[offset + 3]) << 24
    }

    private static func readFloats(_ bytes: [UInt8], at offset: Int, count: Int) -> [Float] {
        [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            bytes.withUnsafeBytes { raw in
                #if _endian(little)
                    UnsafeMutableRawBufferPointer(buffer).copyMemory(
                        from: UnsafeRawBufferPointer(rebasing: raw[offset..<(offset + 4 * count)]))
                #else
                    for index in 0..<count {
                        let bits = raw.loadUnaligned(fromByteOffset: offset + 4 * index, as: UInt32.self)
                        buffer[index] = Float(bitPattern: UInt32(littleEndian: bits))
                    }
                #endif
            }
            initialized = count
        }
    }
}
