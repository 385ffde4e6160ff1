#pragma once
/// File access for tools: every read names the file on failure, every write to a regular file is
/// atomic (a temp file in the same directory, then rename), so a failed run never leaves a partial
/// output, and no write ever replaces something that is not a regular file (docs/reliability.md,
/// "Outputs").
#include <filesystem>
#include <string>
#include <string_view>

namespace nnadc::io {

/// Reads a whole file. Throws InputError NNADC-IO-001 if it cannot be opened.
std::string readTextFile(const std::filesystem::path& path);

/// Writes `content` to `path`, creating parent directories. By what `path` is:
/// - a regular file or a new name: atomically (temp file beside it, then rename);
/// - a symbolic link: atomically to the file it resolves to; the link stays a link. A dangling
///   link is refused (nnadc never creates a file through a link);
/// - a character device (/dev/null, /dev/stdout, a terminal): written through, never replaced;
/// - a FIFO: written through if a reader has it open, refused at once otherwise (never blocks);
/// - a directory, socket or block device: refused.
/// Throws InputError NNADC-IO-002 naming the path if any step fails or the kind is refused; a
/// regular target is then untouched.
void writeFileAtomic(const std::filesystem::path& path, std::string_view content);

/// The path `-o -` names: standard output.
inline constexpr std::string_view kStandardOutput = "-";

/// A subcommand's result: `-` writes `content` to standard output, any other path goes through
/// writeFileAtomic. NNADC-IO-002 if standard output cannot be written.
void writeOutput(const std::filesystem::path& path, std::string_view content);

/// Reads a SPICE deck the user names: NNADC-IO-001 if it cannot be read or is a directory,
/// NNADC-NET-022 if it holds no card (only blanks and comments).
std::string readDeck(const std::filesystem::path& path);

}  // namespace nnadc::io
