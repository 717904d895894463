import ReconcileCommand

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

exit(await ReconcileCommand.main(arguments: Array(CommandLine.arguments.dropFirst())))
