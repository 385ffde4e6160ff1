#include "nnadc/io/file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include "nnadc/core/error.h"
#include "nnadc/sim/deck_input.h"

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

namespace {

namespace fs = std::filesystem;

[[noreturn]] void failWrite(const std::string& target, const std::string& what) {
  throw InputError("NNADC-IO-002", "cannot write " + target + ": " + what);
}

std::string quoted(const fs::path& path) { return "'" + path.string() + "'"; }

/// Writes all of `content` to `fd`, retrying short writes; returns errno, 0 on success.
int writeAll(int fd, std::string_view content) {
  std::size_t written = 0;
  while (written < content.size()) {
    const ssize_t n = ::write(fd, content.data() + written, content.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    written += static_cast<std::size_t>(n);
  }
  return 0;
}

/// A regular file (or a new name): temp file beside it, then rename over it.
void writeRegular(const fs::path& path, std::string_view content, const std::string& target) {
  const auto fail = [&](const std::string& what) { failWrite(target, what); };
  std::error_code ec;
  const fs::path parent = path.has_parent_path() ? path.parent_path() : fs::path(".");
  fs::create_directories(parent, ec);
  if (ec) fail(ec.message());
  // mkstemp gives a unique name in the target's directory, so rename() is atomic (same file system)
  // and two concurrent writers never share a temp file.
  std::string tmpl = (parent / ("." + path.filename().string() + ".tmpXXXXXX")).string();
  const int fd = ::mkstemp(tmpl.data());
  if (fd < 0) fail(std::strerror(errno));
  if (const int err = writeAll(fd, content); err != 0) {
    ::close(fd);
    fs::remove(tmpl, ec);
    fail(std::strerror(err));
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

/// A character device or a FIFO: opened and written in place (never created, truncated or
/// replaced). A FIFO is opened non-blocking, so one that no process reads fails at once (ENXIO)
/// instead of hanging; once open, writes block as usual while the reader catches up.
void writeThrough(const fs::path& path, std::string_view content, bool fifo) {
  const std::string target = quoted(path);
  const int flags = O_WRONLY | O_NOCTTY | O_CLOEXEC | (fifo ? O_NONBLOCK : 0);
  const int fd = ::open(path.c_str(), flags);
  if (fd < 0) {
    if (fifo && errno == ENXIO) {
      failWrite(target,
                "it is a FIFO that no process is reading; nnadc does not wait for a reader "
                "(start the reader first)");
    }
    failWrite(target, std::strerror(errno));
  }
  if (fifo && ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK) != 0) {
    const std::string reason = std::strerror(errno);
    ::close(fd);
    failWrite(target, reason);
  }
  const int err = writeAll(fd, content);
  // close() on a device rarely fails, but a deferred write error would surface here.
  if (::close(fd) != 0 && err == 0) failWrite(target, std::strerror(errno));
  if (err != 0) failWrite(target, std::strerror(err));
}

std::string kindName(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a regular file";
}

}  // namespace

void writeFileAtomic(const fs::path& path, std::string_view content) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) {  // a new name (or an unreadable parent: reported below)
    writeRegular(path, content, quoted(path));
    return;
  }
  if (S_ISLNK(st.st_mode)) {
    if (::stat(path.c_str(), &st) != 0) {
      const int err = errno;
      std::error_code ec;
      const std::string to = fs::read_symlink(path, ec).string();
      failWrite(quoted(path), err == ENOENT
                                  ? "it is a symbolic link to '" + to +
                                        "', which does not exist; nnadc does not create files "
                                        "through a link (write to the target path instead)"
                                  : std::string(std::strerror(err)));
    }
    if (S_ISREG(st.st_mode)) {
      // The link stays; its target is replaced atomically, in the target's own directory.
      std::error_code ec;
      const fs::path target = fs::canonical(path, ec);
      if (ec) failWrite(quoted(path), ec.message());
      writeRegular(target, content, quoted(path) + " (a link to " + quoted(target) + ")");
      return;
    }
    // A link to a device or a pipe (/dev/stdout): opened through the link below.
  }
  if (S_ISREG(st.st_mode)) {
    writeRegular(path, content, quoted(path));
  } else if (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode)) {
    writeThrough(path, content, S_ISFIFO(st.st_mode));
  } else {
    failWrite(quoted(path), "it is " + kindName(st.st_mode) +
                                "; nnadc writes results only to regular files, character devices "
                                "and FIFOs, and never replaces anything else");
  }
}

void writeOutput(const fs::path& path, std::string_view content) {
  if (path.native() == kStandardOutput) {
    if (const int err = writeAll(STDOUT_FILENO, content); err != 0) {
      failWrite("standard output (-o -)", std::strerror(err));
    }
    return;
  }
  writeFileAtomic(path, content);
}

std::string readDeck(const std::filesystem::path& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    throw InputError("NNADC-IO-001",
                     "cannot read file '" + path.string() + "': it is a directory, not a deck");
  }
  std::string deck = readTextFile(path);
  sim::requireNonEmptyDeck(deck, path.string());
  return deck;
}

}  // namespace nnadc::io
