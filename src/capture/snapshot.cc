#include "capture/snapshot.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>
#include <zip.h>

#include <atomic>
#include <cerrno>
#include <ctime>
#include <cstring>
#include <memory>

#include "capture/capture.h"
#include "json/write.h"

namespace netinspect::capture {

namespace {

// The temporary file being written, for the signal handler (no allocation there).
char g_temporary_path[4096];
std::atomic<bool> g_temporary_active{false};

extern "C" void on_termination_signal(int signal_number) {
  if (g_temporary_active.load()) unlink(g_temporary_path);
  ::signal(signal_number, SIG_DFL);
  ::raise(signal_number);
}

std::string json_text(const json::Value& value) {
  json::WriteOptions options;
  options.indent = 4;
  std::string out;
  json::write(value, options, out);
  out += '\n';
  return out;
}

std::string utc_time_text(std::time_t when) {
  std::tm utc{};
  gmtime_r(&when, &utc);
  char text[64];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S GMT", &utc);
  return text;
}

std::string uptime_text() {
  timespec boot{};
  clock_gettime(CLOCK_BOOTTIME, &boot);
  long long seconds = boot.tv_sec;
  return std::to_string(seconds / 86400) + "d" + std::to_string(seconds / 3600 % 24) + "h" +
         std::to_string(seconds / 60 % 60) + "m" + std::to_string(seconds % 60) + "s";
}

[[noreturn]] void fail(const std::string& path, const std::string& what) {
  throw CaptureError(path + ": " + what);
}

}  // namespace

std::vector<SnapshotFile> snapshot_files(const std::vector<json::Value>& entries) {
  utsname host{};
  uname(&host);
  json::Object annotations;
  annotations.set("build.board", json::Value::string(host.machine));
  annotations.set("build.product", json::Value::string("linux"));
  annotations.set("build.version", json::Value::string(std::string(host.release) + " " + host.version));
  annotations.set("device.hostname", json::Value::string(host.nodename));
  annotations.set("device.uptime", json::Value::string(uptime_text()));
  annotations.set("device.utc-time", json::Value::string(utc_time_text(std::time(nullptr))));
  annotations.set("netinspect.source", json::Value::string("live capture of the Linux network stack"));

  std::vector<SnapshotFile> files;
  files.push_back({"inspect.json", entries_text(entries)});
  files.push_back({"annotations.json", json_text(json::Value::object(std::move(annotations)))});

  json::Object states;
  for (const SnapshotFile& file : files) {
    json::Object state;
    state.set("state", json::Value::string("complete"));
    states.set(file.name, json::Value::object(std::move(state)));
  }
  json::Object metadata;
  metadata.set("snapshot_version", json::Value::string("1"));
  metadata.set("metadata_version", json::Value::string("1"));
  metadata.set("files", json::Value::object(std::move(states)));
  metadata.set("log_redaction_enabled", json::Value::boolean(false));
  files.push_back({"metadata.json", json_text(json::Value::object(std::move(metadata)))});
  return files;
}

std::string zip_bytes(const std::vector<SnapshotFile>& files) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* buffer = zip_source_buffer_create(nullptr, 0, 0, &error);
  if (buffer == nullptr) throw CaptureError(std::string("cannot build the zip: ") + zip_error_strerror(&error));
  zip_t* archive = zip_open_from_source(buffer, ZIP_TRUNCATE, &error);
  if (archive == nullptr) {
    zip_source_free(buffer);
    std::string message = std::string("cannot build the zip: ") + zip_error_strerror(&error);
    zip_error_fini(&error);
    throw CaptureError(message);
  }
  zip_source_keep(buffer);  // read the finished archive back after zip_close
  std::unique_ptr<zip_source_t, decltype(&zip_source_free)> buffer_owner(buffer, zip_source_free);
  for (const SnapshotFile& file : files) {
    zip_source_t* member = zip_source_buffer(archive, file.contents.data(), file.contents.size(), 0);
    if (member == nullptr || zip_file_add(archive, file.name.c_str(), member, ZIP_FL_ENC_UTF_8) < 0) {
      std::string message = std::string("cannot add ") + file.name + " to the zip: " + zip_strerror(archive);
      if (member != nullptr) zip_source_free(member);
      zip_discard(archive);
      throw CaptureError(message);
    }
  }
  if (zip_close(archive) < 0) {
    std::string message = std::string("cannot finish the zip: ") + zip_strerror(archive);
    zip_discard(archive);
    throw CaptureError(message);
  }
  std::string bytes;
  if (zip_source_open(buffer) < 0) throw CaptureError("cannot read the zip back");
  zip_source_seek(buffer, 0, SEEK_END);
  zip_int64_t size = zip_source_tell(buffer);
  zip_source_seek(buffer, 0, SEEK_SET);
  bytes.resize(size > 0 ? static_cast<std::size_t>(size) : 0);
  zip_int64_t read = bytes.empty() ? 0 : zip_source_read(buffer, bytes.data(), bytes.size());
  zip_source_close(buffer);
  if (read != size) throw CaptureError("cannot read the zip back");
  return bytes;
}

namespace {

// An existing device, FIFO or socket (/dev/null, /dev/stdout, a pipe) is
// written in place: renaming over it would replace the node itself.
bool write_in_place(const std::string& path, std::string_view bytes) {
  struct stat info;
  if (stat(path.c_str(), &info) != 0 || S_ISREG(info.st_mode) || S_ISDIR(info.st_mode)) return false;
  int fd = open(path.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
  if (fd < 0) fail(path, std::string("cannot open: ") + std::strerror(errno));
  std::size_t done = 0;
  while (done < bytes.size()) {
    ssize_t written = write(fd, bytes.data() + done, bytes.size() - done);
    if (written < 0) {
      if (errno == EINTR) continue;
      int error_number = errno;
      close(fd);
      fail(path, std::string("cannot write: ") + std::strerror(error_number));
    }
    done += static_cast<std::size_t>(written);
  }
  close(fd);
  return true;
}

}  // namespace

void write_file_atomically(const std::string& path, std::string_view bytes) {
  if (write_in_place(path, bytes)) return;
  std::string directory = ".";
  std::string base = path;
  if (std::size_t slash = path.rfind('/'); slash != std::string::npos) {
    directory = slash == 0 ? "/" : path.substr(0, slash);
    base = path.substr(slash + 1);
  }
  if (base.empty()) fail(path, "names a directory, not a file");
  std::string temporary = (directory == "/" ? "" : directory) + "/." + base + ".tmp-XXXXXX";
  if (temporary.size() >= sizeof g_temporary_path) fail(path, "path too long");
  int fd = mkstemp(temporary.data());
  if (fd < 0) fail(path, std::string("cannot create a file in ") + directory + ": " + std::strerror(errno));
  std::memcpy(g_temporary_path, temporary.c_str(), temporary.size() + 1);
  g_temporary_active.store(true);
  auto abandon = [&](const std::string& what) {
    int error_number = errno;
    close(fd);
    unlink(temporary.c_str());
    g_temporary_active.store(false);
    fail(path, what + ": " + std::strerror(error_number));
  };
  mode_t mask = umask(0);
  umask(mask);
  if (fchmod(fd, 0666 & ~mask) != 0) abandon("cannot set permissions");
  std::size_t done = 0;
  while (done < bytes.size()) {  // write() may take less than asked (signals, full disks)
    ssize_t written = write(fd, bytes.data() + done, bytes.size() - done);
    if (written < 0) {
      if (errno == EINTR) continue;
      abandon("cannot write");
    }
    done += static_cast<std::size_t>(written);
  }
  if (fsync(fd) != 0) abandon("cannot flush to disk");
  if (close(fd) != 0) {
    int error_number = errno;
    unlink(temporary.c_str());
    g_temporary_active.store(false);
    fail(path, std::string("cannot write: ") + std::strerror(error_number));
  }
  if (rename(temporary.c_str(), path.c_str()) != 0) {
    int error_number = errno;
    unlink(temporary.c_str());
    g_temporary_active.store(false);
    fail(path, std::string("cannot rename into place: ") + std::strerror(error_number));
  }
  g_temporary_active.store(false);
  // The rename is durable once the directory entry is.
  int directory_fd = open(directory.c_str(), O_RDONLY | O_DIRECTORY);
  if (directory_fd >= 0) {
    fsync(directory_fd);
    close(directory_fd);
  }
}

void remove_temporary_file_on_signals() {
  struct sigaction action {};
  action.sa_handler = on_termination_signal;
  sigemptyset(&action.sa_mask);
  for (int signal_number : {SIGINT, SIGTERM, SIGHUP}) sigaction(signal_number, &action, nullptr);
}

}  // namespace netinspect::capture
