#include "nnadc/sim/pool.h"

#include <atomic>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <deque>
#include <new>
#include <thread>

#include "nnadc/core/error.h"
#include "nnadc/core/progress.h"
#include "nnadc/core/text.h"
#include "nnadc/sim/ngspice.h"
#include "wire.h"

namespace nnadc::sim {

namespace {

using Clock = std::chrono::steady_clock;

enum class JobKind : std::uint8_t { kRun = 0, kVersion = 1 };
enum class Status : std::uint8_t { kOk = 0, kError = 1 };

// A frame is an 8-byte length followed by the payload.
bool writeAll(int fd, const char* data, std::size_t size) {
  while (size > 0) {
    const ssize_t n = ::send(fd, data, size, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) {
        pollfd p{fd, POLLOUT, 0};
        ::poll(&p, 1, 100);
        continue;
      }
      return false;
    }
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

bool writeFrame(int fd, const std::string& payload) {
  const std::uint64_t size = payload.size();
  return writeAll(fd, reinterpret_cast<const char*>(&size), sizeof size) &&
         writeAll(fd, payload.data(), payload.size());
}

// Blocking read of one frame (worker side: waits for the next job). False on EOF or error.
bool readFrameBlocking(int fd, std::string& payload) {
  const auto readAll = [fd](char* data, std::size_t size) {
    while (size > 0) {
      const ssize_t n = ::read(fd, data, size);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      data += n;
      size -= static_cast<std::size_t>(n);
    }
    return true;
  };
  std::uint64_t size = 0;
  if (!readAll(reinterpret_cast<char*>(&size), sizeof size)) return false;
  payload.resize(size);
  return readAll(payload.data(), size);
}

std::string encodeJob(JobKind kind, const RunRequest& job) {
  wire::Writer w;
  w.pod(kind);
  w.str(job.deck);
  w.pod<std::uint64_t>(job.vectors.size());
  for (const std::string& v : job.vectors) w.str(v);
  w.pod<std::uint64_t>(job.commands.size());
  for (const std::string& c : job.commands) w.str(c);
  return w.bytes();
}

bool decodeJob(std::string_view bytes, JobKind& kind, RunRequest& job) {
  wire::Reader r(bytes);
  std::uint64_t n = 0;
  if (!r.pod(kind) || !r.str(job.deck) || !r.pod(n)) return false;
  job.vectors.clear();
  for (std::uint64_t i = 0; i < n; ++i) {
    std::string v;
    if (!r.str(v)) return false;
    job.vectors.push_back(std::move(v));
  }
  if (!r.pod(n)) return false;
  job.commands.clear();
  for (std::uint64_t i = 0; i < n; ++i) {
    std::string c;
    if (!r.str(c)) return false;
    job.commands.push_back(std::move(c));
  }
  return r.done();
}

std::string encodeError(const std::string& id, const std::string& message) {
  wire::Writer w;
  w.pod(Status::kError);
  w.str(id);
  w.str(message);
  return w.bytes();
}

std::string encodeResult(const RunResult& result) {
  wire::Writer w;
  w.pod(Status::kOk);
  w.pod<std::uint64_t>(result.plots.size());
  for (const Plot& plot : result.plots) {
    w.str(plot.name);
    w.str(plot.title);
    w.str(plot.type);
    w.pod<std::uint64_t>(plot.vectors.size());
    for (const Vector& v : plot.vectors) {
      w.str(v.name);
      w.str(v.type);
      w.pod<std::uint8_t>(v.is_complex ? 1 : 0);
      if (v.is_complex) {
        w.doubles(reinterpret_cast<const double*>(v.complex.data()), 2 * v.complex.size());
      } else {
        w.doubles(v.real.data(), v.real.size());
      }
    }
  }
  w.pod<std::uint64_t>(result.output.size());
  for (const std::string& line : result.output) w.str(line);
  w.pod(result.elapsed_s);
  return w.bytes();
}

bool decodeOutcome(std::string_view bytes, JobOutcome& out) {
  wire::Reader r(bytes);
  Status status{};
  if (!r.pod(status)) return false;
  if (status == Status::kError) {
    out.ok = false;
    return r.str(out.error_id) && r.str(out.error_message) && r.done();
  }
  out.ok = true;
  std::uint64_t n_plots = 0;
  if (!r.pod(n_plots)) return false;
  for (std::uint64_t p = 0; p < n_plots; ++p) {
    Plot plot;
    std::uint64_t n_vec = 0;
    if (!r.str(plot.name) || !r.str(plot.title) || !r.str(plot.type) || !r.pod(n_vec)) {
      return false;
    }
    for (std::uint64_t i = 0; i < n_vec; ++i) {
      Vector v;
      std::uint8_t is_complex = 0;
      std::vector<double> data;
      if (!r.str(v.name) || !r.str(v.type) || !r.pod(is_complex) || !r.doubles(data)) {
        return false;
      }
      v.is_complex = is_complex != 0;
      if (v.is_complex) {
        if (data.size() % 2 != 0) return false;
        v.complex.resize(data.size() / 2);
        for (std::size_t k = 0; k < v.complex.size(); ++k) {
          v.complex[k] = {data[2 * k], data[2 * k + 1]};
        }
      } else {
        v.real = std::move(data);
      }
      plot.vectors.push_back(std::move(v));
    }
    out.result.plots.push_back(std::move(plot));
  }
  std::uint64_t n_lines = 0;
  if (!r.pod(n_lines)) return false;
  for (std::uint64_t i = 0; i < n_lines; ++i) {
    std::string line;
    if (!r.str(line)) return false;
    out.result.output.push_back(std::move(line));
  }
  return r.pod(out.result.elapsed_s) && r.done();
}

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kAddressSanitizer = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kAddressSanitizer = true;
#else
constexpr bool kAddressSanitizer = false;
#endif
#else
constexpr bool kAddressSanitizer = false;
#endif

// Caps the worker's address space. Skipped under AddressSanitizer: its shadow memory reserves
// terabytes of address space up front, so any sane RLIMIT_AS would stop the worker at start-up.
void limitMemory(std::int64_t memory_mib) {
  if (memory_mib <= 0 || kAddressSanitizer) return;
  constexpr rlim_t kBytesPerMib = 1024 * 1024;
  const rlim_t bytes = static_cast<rlim_t>(memory_mib) * kBytesPerMib;
  const rlimit limit{bytes, bytes};
  ::setrlimit(RLIMIT_AS, &limit);
}

std::string memoryMessage(std::int64_t memory_mib, const std::string& detail) {
  return "the simulation ran out of the worker's memory limit of " + std::to_string(memory_mib) +
         " MiB (--worker-memory-mib; a deck that grows without end, e.g. an .include of "
         "/dev/zero, stops here): " +
         detail;
}

// ngspice's allocators print "can't allocate" / "Out of Memory" and then ask to exit.
bool isOutOfMemory(const std::string& message) {
  const std::string lower = toLower(message);
  return lower.find("can't allocate") != std::string::npos ||
         lower.find("out of memory") != std::string::npos;
}

[[noreturn]] void workerMain(int fd, int threads, std::int64_t memory_mib) {
  // Die with the parent, and own a process group so a timeout kill also ends any `shell`
  // children a deck started.
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  ::setpgid(0, 0);
  limitMemory(memory_mib);
  int code = 0;
  try {
    NgspiceSimulator::Options options;
    options.threads = threads;
    NgspiceSimulator simulator(options);
    std::string payload;
    while (readFrameBlocking(fd, payload)) {
      JobKind kind{};
      RunRequest job;
      std::string reply;
      bool usable = true;
      if (!decodeJob(payload, kind, job)) {
        reply = encodeError("NNADC-SIM-012", "worker received a corrupt job message");
      } else {
        try {
          if (kind == JobKind::kVersion) {
            RunResult r;
            r.output.push_back(simulator.version());
            reply = encodeResult(r);
          } else {
            reply = encodeResult(simulator.run(job));
          }
        } catch (const Error& e) {
          usable = e.id() != "NNADC-SIM-006";
          reply = !usable && memory_mib > 0 && isOutOfMemory(e.message())
                      ? encodeError("NNADC-SIM-015", memoryMessage(memory_mib, e.message()))
                      : encodeError(e.id(), e.message());
        } catch (const std::bad_alloc& e) {
          reply = encodeError("NNADC-SIM-015", memoryMessage(memory_mib, e.what()));
          usable = false;  // the heap may be fragmented or half-updated: start afresh
        } catch (const std::exception& e) {
          reply = encodeError("NNADC-SIM-013", std::string("worker failed: ") + e.what());
        }
      }
      if (!writeFrame(fd, reply)) break;
      if (!usable) break;  // ngspice asked to exit: a fresh worker will replace this one
    }
  } catch (...) {
    code = 1;
  }
  ::_exit(code);
}

int coreCount() {
  const unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : static_cast<int>(n);
}

}  // namespace

void JobOutcome::throwIfFailed() const {
  if (!ok) throw SimulationError(error_id, error_message);
}

namespace {
std::atomic<std::size_t> pools_started{0};
}  // namespace

std::size_t WorkerPool::poolsStarted() { return pools_started.load(); }

void validateTimeout(double timeout_s) {
  // About four months: beyond any simulation, below where durations overflow.
  constexpr double kMaxTimeoutS = 1e7;
  if (!(timeout_s > 0.0 && timeout_s <= kMaxTimeoutS)) {
    throw InputError("NNADC-CFG-003", "field 'timeout' = " + formatDouble(timeout_s) +
                                          " is outside the allowed range (0, 1e+07] s");
  }
}

void PoolOptions::validate() const {
  if (workers < 0 || workers > 1024) {
    throw InputError("NNADC-SIM-007",
                     "field 'workers' = " + std::to_string(workers) + " is outside [0, 1024]");
  }
  if (threads_per_worker < 0 || threads_per_worker > 1024) {
    throw InputError("NNADC-SIM-007",
                     "field 'threads_per_worker' = " + std::to_string(threads_per_worker) +
                         " is outside [0, 1024]");
  }
  // Below 64 MiB ngspice cannot even load its code models; 2^24 MiB = 16 TiB is beyond any host.
  constexpr std::int64_t kMinMemoryMib = 64;
  constexpr std::int64_t kMaxMemoryMib = std::int64_t{1} << 24;
  if (worker_memory_mib != 0 &&
      (worker_memory_mib < kMinMemoryMib || worker_memory_mib > kMaxMemoryMib)) {
    throw InputError("NNADC-SIM-007",
                     "field 'worker_memory_mib' = " + std::to_string(worker_memory_mib) +
                         " is outside [64, 16777216] MiB (0 = no limit)");
  }
}

struct WorkerPool::Impl {
  struct Worker {
    pid_t pid = -1;
    int fd = -1;
    std::optional<std::size_t> job;  // index of the job it runs
    Clock::time_point deadline;
    std::string buffer;  // bytes of the reply received so far
  };
  PoolOptions options;
  int threads = 1;
  std::vector<Worker> workers;
  int started = 0;

  void spawn(Worker& w) {
    int fds[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) {
      throw SimulationError("NNADC-SIM-009",
                            std::string("cannot create worker socket: ") + std::strerror(errno));
    }
    const pid_t pid = ::fork();
    if (pid < 0) {
      ::close(fds[0]);
      ::close(fds[1]);
      throw SimulationError("NNADC-SIM-009",
                            std::string("cannot fork worker: ") + std::strerror(errno));
    }
    if (pid == 0) {
      ::close(fds[0]);
      for (const Worker& other : workers) {
        if (other.fd >= 0) ::close(other.fd);
      }
      workerMain(fds[1], threads, options.worker_memory_mib);
    }
    ::close(fds[1]);
    ::fcntl(fds[0], F_SETFL, ::fcntl(fds[0], F_GETFL) | O_NONBLOCK);
    w.pid = pid;
    w.fd = fds[0];
    w.job.reset();
    w.buffer.clear();
    ++started;
  }

  void reap(Worker& w) {
    if (w.fd >= 0) ::close(w.fd);
    w.fd = -1;
    if (w.pid > 0) {
      ::kill(-w.pid, SIGKILL);  // the worker's process group: ngspice `shell` children too
      ::kill(w.pid, SIGKILL);
      int status = 0;
      while (::waitpid(w.pid, &status, 0) < 0 && errno == EINTR) {
      }
    }
    w.pid = -1;
  }

  // After the worker's socket closed: wait briefly for it to finish exiting (EOF arrives before
  // the kernel records the exit status) and say how it ended. Reaps it when it can.
  static std::string describeExit(Worker& w) {
    const auto give_up = Clock::now() + std::chrono::seconds(2);
    int status = 0;
    while (Clock::now() < give_up) {
      const pid_t r = ::waitpid(w.pid, &status, WNOHANG);
      if (r == w.pid) {
        w.pid = -1;
        if (WIFSIGNALED(status)) {
          return "was killed by signal " + std::to_string(WTERMSIG(status)) + " (" +
                 ::strsignal(WTERMSIG(status)) + ")";
        }
        return "exited with code " + std::to_string(WEXITSTATUS(status));
      }
      if (r < 0 && errno != EINTR) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return "closed its connection";
  }

  // Reads what is available; true when a whole frame has arrived, false if more is to come.
  // Sets `closed` on EOF or error.
  static bool pump(Worker& w, bool& closed) {
    char chunk[65536];
    while (true) {
      const ssize_t n = ::read(w.fd, chunk, sizeof chunk);
      if (n > 0) {
        w.buffer.append(chunk, static_cast<std::size_t>(n));
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
      closed = true;  // EOF or hard error
      break;
    }
    if (w.buffer.size() < sizeof(std::uint64_t)) return false;
    std::uint64_t size = 0;
    std::memcpy(&size, w.buffer.data(), sizeof size);
    return w.buffer.size() >= sizeof size + size;
  }
};

WorkerPool::WorkerPool(const PoolOptions& options) : impl_(std::make_unique<Impl>()) {
  options.validate();
  if (NgspiceSimulator::everCreated()) {
    throw SimulationError("NNADC-SIM-009",
                          "this process has already used ngspice in-process; a WorkerPool must be "
                          "created by a process that never did (forking a live OpenMP runtime "
                          "can deadlock the workers)");
  }
  pools_started.fetch_add(1);
  impl_->options = options;
  const int cores = coreCount();
  const int n = options.workers > 0 ? options.workers : cores;
  impl_->threads =
      options.threads_per_worker > 0 ? options.threads_per_worker : std::max(1, cores / n);
  impl_->workers.resize(static_cast<std::size_t>(n));
  for (auto& w : impl_->workers) impl_->spawn(w);
}

WorkerPool::~WorkerPool() {
  // Closing the socket makes an idle worker's read return EOF and exit; give them a moment, then
  // make sure (reap kills anything left).
  for (auto& w : impl_->workers) {
    if (w.fd >= 0) ::close(w.fd);
    w.fd = -1;
  }
  const auto give_up = Clock::now() + std::chrono::milliseconds(500);
  for (auto& w : impl_->workers) {
    if (w.pid <= 0) continue;
    int status = 0;
    while (Clock::now() < give_up) {
      if (::waitpid(w.pid, &status, WNOHANG) == w.pid) {
        w.pid = -1;
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    impl_->reap(w);
  }
}

int WorkerPool::workerCount() const { return static_cast<int>(impl_->workers.size()); }
int WorkerPool::workersStarted() const { return impl_->started; }

std::vector<JobOutcome> WorkerPool::runBatch(const std::vector<RunRequest>& jobs) {
  Impl& im = *impl_;
  std::vector<JobOutcome> outcomes(jobs.size());
  std::vector<bool> done(jobs.size(), false);
  std::size_t next = 0;
  std::size_t finished = 0;
  // Jobs whose worker crashed, to run once more, and why the first attempt ended.
  std::deque<std::size_t> retry;
  std::vector<std::string> first_crash(jobs.size());
  // A batch of several jobs is long work: its progress is shown (a single job is not).
  ProgressTask progress(jobs.size() > 1 && im.options.logger != nullptr
                            ? im.options.logger->progress()
                            : nullProgress(),
                        "simulation jobs", jobs.size());

  const auto fail = [&](std::size_t index, std::string id, std::string message) {
    outcomes[index].ok = false;
    outcomes[index].error_id = std::move(id);
    outcomes[index].error_message = std::move(message);
    done[index] = true;
    ++finished;
    progress.advance();
  };

  while (finished < jobs.size()) {
    // Hand jobs to idle workers (replacing any that died while idle).
    for (auto& w : im.workers) {
      if (next >= jobs.size() && retry.empty()) break;
      if (w.job) continue;
      if (w.pid <= 0) im.spawn(w);
      std::size_t index = 0;
      if (!retry.empty()) {
        index = retry.front();
        retry.pop_front();
      } else {
        index = next++;
      }
      const RunRequest& job = jobs[index];
      if (!(job.timeout_s > 0.0)) {
        fail(index, "NNADC-SIM-007", "job timeout must be > 0 s");
        continue;
      }
      w.buffer.clear();
      if (!writeFrame(w.fd, encodeJob(JobKind::kRun, job))) {
        // The worker died while idle: replace it and retry this job once on the new one.
        im.reap(w);
        im.spawn(w);
        if (!writeFrame(w.fd, encodeJob(JobKind::kRun, job))) {
          fail(index, "NNADC-SIM-011", "could not send the job to a fresh worker");
          im.reap(w);
          continue;
        }
      }
      w.job = index;
      const double timeout_s = std::min(job.timeout_s, 1e7);
      w.deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                      std::chrono::duration<double>(timeout_s));
    }

    std::vector<pollfd> fds;
    std::vector<std::size_t> owners;
    auto earliest = Clock::time_point::max();
    for (std::size_t i = 0; i < im.workers.size(); ++i) {
      const auto& w = im.workers[i];
      if (!w.job) continue;
      fds.push_back({w.fd, POLLIN, 0});
      owners.push_back(i);
      earliest = std::min(earliest, w.deadline);
    }
    if (fds.empty()) continue;  // every remaining job failed to start; loop re-checks `finished`
    const auto wait =
        std::chrono::duration_cast<std::chrono::milliseconds>(earliest - Clock::now());
    const int timeout_ms = static_cast<int>(std::clamp<long long>(wait.count() + 1, 0, 60000));
    const int ready = ::poll(fds.data(), fds.size(), timeout_ms);
    if (ready < 0 && errno != EINTR) {
      throw SimulationError("NNADC-SIM-009", std::string("poll failed: ") + std::strerror(errno));
    }
    const auto now = Clock::now();
    for (std::size_t k = 0; k < fds.size(); ++k) {
      auto& w = im.workers[owners[k]];
      const std::size_t index = *w.job;
      if (fds[k].revents != 0) {
        bool closed = false;
        if (Impl::pump(w, closed)) {
          std::uint64_t size = 0;
          std::memcpy(&size, w.buffer.data(), sizeof size);
          JobOutcome outcome;
          if (!decodeOutcome(std::string_view(w.buffer).substr(sizeof size, size), outcome)) {
            fail(index, "NNADC-SIM-012", "worker sent a corrupt result");
            im.reap(w);
          } else {
            // A worker whose ngspice asked to exit has sent its last reply: replace it now rather
            // than hand it a job it will never read.
            if (!outcome.ok && outcome.error_id == "NNADC-SIM-006") closed = true;
            outcomes[index] = std::move(outcome);
            done[index] = true;
            ++finished;
            progress.advance();
          }
          w.buffer.clear();
          w.job.reset();
          if (closed) im.reap(w);
          continue;
        }
        if (closed) {
          const pid_t pid = w.pid;
          const std::string how = Impl::describeExit(w);
          std::string reason = "simulator worker " + std::to_string(pid) + " " + how +
                               " while running job " + std::to_string(index);
          im.reap(w);
          w.job.reset();
          if (first_crash[index].empty()) {
            // Perhaps killed from outside (OOM killer, a user's kill): one more try on a fresh
            // worker. A deck that kills its worker itself fails twice, naming both.
            first_crash[index] = std::move(reason);
            retry.push_back(index);
          } else {
            fail(index, "NNADC-SIM-011",
                 reason + " (the second attempt, on a fresh worker; the first: " +
                     first_crash[index] + ")");
          }
          continue;
        }
      }
      if (now >= w.deadline) {
        fail(index, "NNADC-SIM-010",
             "job " + std::to_string(index) + " timed out after " +
                 std::to_string(jobs[index].timeout_s) + " s; its worker was killed");
        im.reap(w);
        w.job.reset();
      }
    }
  }
  return outcomes;
}

RunResult WorkerPool::run(const RunRequest& job) {
  auto outcomes = runBatch({job});
  outcomes.front().throwIfFailed();
  return std::move(outcomes.front().result);
}

std::string WorkerPool::version() {
  Impl& im = *impl_;
  auto& w = im.workers.front();
  if (w.pid <= 0) im.spawn(w);
  if (!writeFrame(w.fd, encodeJob(JobKind::kVersion, RunRequest{}))) {
    im.reap(w);
    throw SimulationError("NNADC-SIM-011", "simulator worker is not responding");
  }
  // Version is instant; use blocking reads with a generous poll limit.
  const auto deadline = Clock::now() + std::chrono::seconds(30);
  while (Clock::now() < deadline) {
    pollfd p{w.fd, POLLIN, 0};
    ::poll(&p, 1, 1000);
    bool closed = false;
    if (Impl::pump(w, closed)) {
      std::uint64_t size = 0;
      std::memcpy(&size, w.buffer.data(), sizeof size);
      JobOutcome outcome;
      const bool good =
          decodeOutcome(std::string_view(w.buffer).substr(sizeof size, size), outcome);
      w.buffer.clear();
      if (!good || !outcome.ok || outcome.result.output.empty()) break;
      return outcome.result.output.front();
    }
    if (closed) break;
  }
  im.reap(w);
  throw SimulationError("NNADC-SIM-011", "simulator worker did not report its version");
}

IsolatedSimulator::IsolatedSimulator(Logger* logger)
    : pool_([logger] {
        PoolOptions options;
        options.workers = 1;
        // This constructor serves the small decks (one inverter, one amplifier): ngspice's OpenMP
        // parallel regions cost them more than they save, and when two such processes share the
        // cores, their spinning barriers stall each other (a 0.8 s characterisation took 44 s
        // with four at once on 2 cores). One thread each.
        options.threads_per_worker = 1;
        options.logger = logger;
        return options;
      }()) {}

IsolatedSimulator::IsolatedSimulator(PoolOptions options)
    : pool_([&options] {
        options.workers = 1;
        return options;
      }()) {}

RunResult IsolatedSimulator::run(const RunRequest& request) { return pool_.run(request); }

std::string IsolatedSimulator::version() { return pool_.version(); }

}  // namespace nnadc::sim
