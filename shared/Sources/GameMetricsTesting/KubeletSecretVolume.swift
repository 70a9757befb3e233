import Foundation

/// A folder laid out the way the kubelet lays out a Secret volume, for tests of services that
/// read `<VAR>_FILE`: each file is a symlink `name -> ..data/name`, `..data` is a symlink to a
/// timestamped folder holding the contents, and an update writes a new timestamped folder, points
/// `..data_tmp` at it and renames `..data_tmp` over `..data` (one atomic step), then removes the
/// old folder. A reader never sees half an update, and a file opened by its path after the swap
/// is the new content (which is why the charts mount the volume without `subPath`).
public final class KubeletSecretVolume: Sendable {
    public let directory: URL
    private let fileNames: Set<String>

    /// A volume holding `files` (file name, e.g. `gm_write_key_mac_secret`, to content).
    public init(_ files: [String: String]) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("gm-secret-volume-\(UUID().uuidString)")
        fileNames = Set(files.keys)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try update(files)
        for name in fileNames {
            try FileManager.default.createSymbolicLink(atPath: path(name), withDestinationPath: "..data/\(name)")
        }
    }

    /// The path a `<VAR>_FILE` variable names.
    public func path(_ name: String) -> String {
        directory.appendingPathComponent(name).path
    }

    /// Replaces every file's content at once, as the kubelet does when the Secret changes. The
    /// set of files is the one the volume was made with (the pod's `items`).
    public func update(_ files: [String: String]) throws {
        precondition(Set(files.keys) == fileNames, "a Secret volume's items are fixed by the pod spec")
        let manager = FileManager.default
        let previous = try? manager.destinationOfSymbolicLink(atPath: path("..data"))
        let stamp = "..\(UInt64(Date().timeIntervalSince1970 * 1_000_000))_\(UUID().uuidString.prefix(8))"
        let folder = directory.appendingPathComponent(stamp)
        try manager.createDirectory(at: folder, withIntermediateDirectories: false)
        for (name, content) in files {
            try Data(content.utf8).write(to: folder.appendingPathComponent(name))
        }
        try? manager.removeItem(atPath: path("..data_tmp"))
        try manager.createSymbolicLink(atPath: path("..data_tmp"), withDestinationPath: stamp)
        guard rename(path("..data_tmp"), path("..data")) == 0 else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path("..data")])
        }
        if let previous { try? manager.removeItem(at: directory.appendingPathComponent(previous)) }
    }

    public func remove() {
        try? FileManager.default.removeItem(at: directory)
    }
}
