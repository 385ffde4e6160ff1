#pragma once
/// File access for tools: every read names the file on failure, every write is atomic (a temp
/// file in the same directory, then rename), so a failed run never leaves a partial output.
#include <filesystem>
#include <string>
#include <string_view>

namespace nnadc::io {

/// Reads a whole file. Throws InputError NNADC-IO-001 if it cannot be opened.
std::string readTextFile(const std::filesystem::path& path);

/// Writes `content` to `path` atomically, creating parent directories. Throws InputError
/// NNADC-IO-002 naming the path if any step fails; the target is then untouched.
void writeFileAtomic(const std::filesystem::path& path, std::string_view content);

}  // namespace nnadc::io
