/**
 * The {@code flex-auth} command line: one picocli command class per subcommand ({@code serve},
 * {@code load-registry}, {@code check}, {@code test}, {@code verify-log}, {@code diff},
 * {@code version}, {@code completion}), each a thin adapter that loads inputs through the core,
 * calls the engine and prints; {@code Failures} is the one place that maps errors to exit codes
 * (0 ok, 1 invalid input or failed check, 2 usage) and messages. The grant enumeration behind
 * {@code diff} is the core's {@code dev.flexauth.analysis}. Only {@link dev.flexauth.cli.Main} is public.
 */
package dev.flexauth.cli;
