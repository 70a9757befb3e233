// library-comparison COMMAND [rounds=5]
//   json | text | xml | gzip | jwt     in-process comparisons, one JSON line each
//   http URL              outbound HTTP clients against a server at URL
//   serve PORT            the HTTP peer for `http`
// bench/library-comparison/run.sh runs them all; docs/adr/0017 records the results.
let arguments = Array(CommandLine.arguments.dropFirst())
let command = arguments.first ?? "text"
let rounds = arguments.count > 1 ? Int(arguments.last!) ?? 5 : 5

switch command {
case "json": try JSONComparison.run(rounds: rounds)
case "text": try TextComparisons.run(rounds: rounds)
case "xml": try XMLComparison.run(rounds: rounds)
case "gzip": try GzipComparison.run(rounds: rounds)
case "jwt": try await JWTComparison.run(rounds: rounds)
case "http": try await HTTPClientComparison.run(rounds: arguments.count > 2 ? Int(arguments[2]) ?? 5 : 5, url: arguments[1])
case "serve": try await HelloServer.run(port: Int(arguments[1])!)
default: fatalError("unknown command \(command)")
}
