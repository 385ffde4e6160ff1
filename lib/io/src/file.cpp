#include "nnadc/io/file.h"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include "nnadc/core/error.h"

namespace nnadc::io {

std::string readTextFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw InputError("NNADC-IO-001",
                     "cannot read file '" + path.string() + "': " + std::strerror(errno));
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

void writeFileAtomic(const std::filesystem::path& path, std::string_view content) {
  namespace fs = std::filesystem;
  const auto fail = [&](const std::string& what) {
    throw InputError("NNADC-IO-002", "cannot write '" + path.string() + "': " + what);
  };
  std::error_code ec;
  const fs::path parent = path.has_parent_path() ? path.parent_path() : fs::path(".");
  fs::create_directories(parent, ec);
  if (ec) fail(ec.message());
  // mkstemp gives a unique name in the target's directory, so rename() is atomic (same file system)
  // and two concurrent writers never share a temp file.
  std::string tmpl = (parent / ("." + path.filename().string() + ".tmpXXXXXX")).string();
  const int fd = ::mkstemp(tmpl.data());
  if (fd < 0) fail(std::strerror(errno));
  std::size_t written = 0;
  while (written < content.size()) {
    const ssize_t n = ::write(fd, content.data() + written, content.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      const std::string reason = std::strerror(errno);
      ::close(fd);
      fs::remove(tmpl, ec);
      fail(reason);
    }
    written += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    const std::string reason = std::strerror(errno);
    fs::remove(tmpl, ec);
    fail(reason);
  }
  // mkstemp creates 0600; results are ordinary user files.
  fs::permissions(tmpl,
                  fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read |
                      fs::perms::others_read,
                  ec);
  fs::rename(tmpl, path, ec);
  if (ec) {
    const std::string reason = ec.message();
    fs::remove(tmpl, ec);
    fail(reason);
  }
}

}  // namespace nnadc::io
