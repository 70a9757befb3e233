import EventParserOracle
import Foundation

// Writes the first COUNT inputs of PropertiesCorpusGenerator(seed: SEED) into DIR as seed
// files for libFuzzer (run.sh seeds a fresh corpus with them before merging).
//   event-parser-seeds DIR [count=400] [seed=1]
let arguments = CommandLine.arguments
guard arguments.count > 1 else {
    FileHandle.standardError.write(Data("usage: event-parser-seeds DIR [count] [seed]\n".utf8))
    exit(2)
}
let directory = URL(fileURLWithPath: arguments[1])
let count = arguments.count > 2 ? Int(arguments[2]) ?? 400 : 400
var generator = PropertiesCorpusGenerator(seed: arguments.count > 3 ? UInt64(arguments[3]) ?? 1 : 1)
try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
for i in 0..<count {
    try Data(generator.next()).write(to: directory.appendingPathComponent(String(format: "generated-%05d", i)))
}
