import Foundation
import Testing
import FairwayAgent
import FairwayCore
import FairwayModel
import FairwayYAML

/// One bad platform repository of the corpus: the template with one edit, and the error it must give.
struct CorpusCase: Sendable, CustomTestStringConvertible {
    let name: String
    let category: String
    let file: String
    let old: String
    let new: String
    /// The diagnostic code at `file`:`line`; nil when the edit is valid (the corpus holds a few
    /// hostile-looking edits the target systems accept, so validate must too).
    let code: String?
    /// Text of the line the diagnostic must point at (default: the first line of `new`).
    let at: String?

    var testDescription: String { "\(category): \(name)" }

    /// Every case of every corpus file (`Tests/FairwayTests/Corpus/*.yaml`).
    static let all: [CorpusCase] = {
        let directory = RepoPaths.root.appendingPathComponent("Tests/FairwayTests/Corpus")
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return files.filter { $0.hasSuffix(".yaml") }.sorted().flatMap { name -> [CorpusCase] in
            let category = String(name.dropLast(".yaml".count))
            guard let bytes = FileManager.default.contents(atPath: directory.appendingPathComponent(name).path),
                  let stream = try? YAMLParser.parse(Array(bytes)), let items = stream.documents.first?.items else {
                return [CorpusCase(name: "\(name) does not parse", category: category, file: "", old: "", new: "", code: "unreadable", at: nil)]
            }
            return items.map { item in
                CorpusCase(name: item["case"]?.scalar ?? "?", category: category, file: item["file"]?.scalar ?? "",
                           old: item["old"]?.scalar ?? "", new: item["new"]?.scalar ?? "",
                           code: item["expect"]?.scalar, at: item["at"]?.scalar)
            }
        }
    }()
}

/// The corpus of bad repositories (`Corpus/`, one file per category: wrong types, names, quantities,
/// durations, cross references, YAML): each case loads without a crash, gives its error at its
/// file:line with a non-zero exit, and the whole pipeline (fairness, render) on it neither crashes
/// nor produces a desired state.
@Suite struct CorpusTests {
    @Test func theCorpusIsLarge() {
        #expect(CorpusCase.all.count >= 200, "\(CorpusCase.all.count) cases")
        #expect(!CorpusCase.all.contains { $0.code == "unreadable" })
    }

    @Test(arguments: CorpusCase.all)
    func caseGivesItsErrorAtItsLine(_ corpus: CorpusCase) throws {
        var repo = try TestRepo.template()
        try repo.replace(corpus.file, corpus.old, with: corpus.new)
        let at = corpus.at ?? String(corpus.new.split(separator: "\n", omittingEmptySubsequences: true).first ?? "")
        let line = try repo.line(of: at, in: corpus.file)
        let loaded = repo.load()
        let errors = loaded.diagnostics.filter { $0.severity == .error }
        let evaluation = Pipeline().evaluate(repo.snapshot)
        guard let code = corpus.code else {
            #expect(errors.isEmpty && evaluation.isValid, "\(errors.map(\.description))")
            return
        }
        #expect(errors.contains { $0.code == code && $0.location?.path == corpus.file && $0.location?.line == line },
                "expected \(code) at \(corpus.file):\(line); got \(errors.map(\.description))")
        #expect(errors.allSatisfy { $0.location?.path != nil && ($0.location?.line ?? 0) > 0 },
                "an error without file:line: \(errors.filter { $0.location?.line == nil }.map(\.description))")
        #expect(!evaluation.isValid && evaluation.desired == nil)
    }
}
