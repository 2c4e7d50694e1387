import FairwayCore
import FairwayRender
import FairwayYAML
import Foundation

/// Writes a desired state as files other tools read (Argo CD, Flux, Helmfile, Terraform):
///
///     kubernetes/<namespace>/<kind>.yaml   every object of that kind in the namespace, apply order
///     kubernetes/_cluster/<kind>.yaml      cluster-scoped objects
///     helm/<release>.values.yaml           the values Fairway computed (and cluster.yaml merged over)
///     helm/releases.yaml                   each release's chart, repository, version and namespace
///     eks/<nodegroup>.json                 CreateNodegroup and UpdateNodegroupConfig requests
///
/// The directory is replaced as a whole: files of an earlier render that are no longer desired do
/// not linger. A directory that holds anything but an earlier render is refused, never emptied.
public struct RenderWriter {
    public static let marker = ".fairway-render"
    public let directory: String

    public init(directory: String) { self.directory = directory }

    public struct Summary: Sendable {
        public var files: [String]
        public var objects: Int
    }

    public func write(_ desired: DesiredState) throws -> Summary {
        let fm = FileManager.default
        try prepare(fm)
        var files: [String] = []
        var byFile: [String: [JSONValue]] = [:]
        var order: [String] = []
        let manifests = desired.sortedStampedManifests
        for manifest in manifests {
            let file = "kubernetes/\(manifest.key.namespace ?? "_cluster")/\(manifest.key.kind.lowercased()).yaml"
            if byFile[file] == nil { order.append(file) }
            byFile[file, default: []].append(manifest.body)
        }
        for file in order { try put(try YAMLEmitter.emit(byFile[file]!), at: file, &files) }
        var releases: [JSONValue] = []
        for release in desired.helmReleases {
            let valuesFile = "helm/\(release.name).values.yaml"
            try put(try YAMLEmitter.emit(release.values), at: valuesFile, &files)
            releases.append([
                "name": .string(release.name), "namespace": .string(release.namespace), "chart": .string(release.chart),
                "repository": .string(release.repository), "version": .string(release.version),
                "dependsOn": .array(release.dependsOn.map(JSONValue.string)), "values": .string("\(release.name).values.yaml"),
            ])
        }
        if !releases.isEmpty { try put(try YAMLEmitter.emit(["releases": .array(releases)]), at: "helm/releases.yaml", &files) }
        for group in desired.nodeGroups {
            let requests: JSONValue = ["CreateNodegroup": group.create, "UpdateNodegroupConfig": group.updateConfig]
            try put(JSONWriter.string(requests, pretty: true), at: "eks/\(group.name).json", &files)
        }
        try Data("written by fairway render at \(desired.revision)\n".utf8).write(to: url(Self.marker))
        return Summary(files: files, objects: manifests.count)
    }

    private func url(_ relative: String) -> URL { URL(fileURLWithPath: "\(directory)/\(relative)") }

    private func put(_ text: String, at relative: String, _ files: inout [String]) throws {
        let target = url(relative)
        try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: target, options: .atomic)
        files.append(relative)
    }

    /// Creates the directory, or clears an earlier render from it.
    private func prepare(_ fm: FileManager) throws {
        var isDirectory: ObjCBool = false
        guard fm.fileExists(atPath: directory, isDirectory: &isDirectory) else {
            try fm.createDirectory(atPath: directory, withIntermediateDirectories: true)
            return
        }
        guard isDirectory.boolValue else { throw RenderWriterError("\(directory) is not a directory") }
        let entries = try fm.contentsOfDirectory(atPath: directory)
        guard !entries.isEmpty else { return }
        guard entries.contains(Self.marker) else {
            throw RenderWriterError("\(directory) is not empty and holds no earlier render; refusing to overwrite it")
        }
        for entry in ["kubernetes", "helm", "eks", Self.marker] where entries.contains(entry) {
            try fm.removeItem(atPath: "\(directory)/\(entry)")
        }
    }
}

/// Why a render could not be written.
public struct RenderWriterError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
