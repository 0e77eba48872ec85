// Running an export: the output directory, the part files of each job
// (temporary + rename), and the jobs themselves (forked processes, so the
// single-threaded modules below need no locking and a job's memory is its own).
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>
#include <memory>
#include <system_error>

#include "export/export.h"

namespace netinspect::exporter {

namespace {

namespace fs = std::filesystem;

// The part files one job writes. Each snapshot's rows are appended to a
// hidden temporary next to the part (readers skip names starting with '.'),
// opened and closed per snapshot so the number of open files stays small
// whatever the number of dates; finish() renames every temporary into place.
class PartWriter {
 public:
  PartWriter(const Options& options, unsigned job) : options_(options), job_(job) {}

  void append(const Table& table, const std::string& date, const std::vector<json::Value>& rows) {
    if (rows.empty()) return;
    fs::path final_path = fs::path(options_.out_dir) / part_path(table.name, date, job_, options_.format);
    fs::path temp_path = final_path.parent_path() / ("." + final_path.filename().string() + ".tmp");
    bool fresh = temps_.emplace(temp_path.string(), final_path.string()).second;
    std::string text;
    if (fresh) {
      std::error_code error;
      fs::create_directories(final_path.parent_path(), error);
      if (error) fail(final_path.parent_path().string(), error.message());
      if (options_.format == Format::Csv) text = csv_header(table);
    }
    for (const json::Value& row : rows) {
      if (options_.format == Format::Csv)
        append_csv_row(table, row, text);
      else
        append_ndjson_row(row, text);
    }
    // "wb" the first time: a temporary left by a killed run is overwritten.
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(temp_path.c_str(), fresh ? "wb" : "ab"),
                                                          std::fclose);
    if (!file) fail(temp_path.string(), std::strerror(errno));
    if (std::fwrite(text.data(), 1, text.size(), file.get()) != text.size() || std::fflush(file.get()) != 0)
      fail(temp_path.string(), std::strerror(errno));
    if (std::fclose(file.release()) != 0) fail(temp_path.string(), std::strerror(errno));
  }

  std::size_t finish() {
    for (const auto& [temp, final_path] : temps_) {
      if (std::rename(temp.c_str(), final_path.c_str()) != 0) fail(final_path, std::strerror(errno));
    }
    return temps_.size();
  }

 private:
  [[noreturn]] static void fail(const std::string& path, const std::string& what) {
    throw OutputError(path + ": cannot write: " + what);
  }
  const Options& options_;
  unsigned job_;
  std::map<std::string, std::string> temps_;  // temporary -> part
};

Summary run_job(const std::vector<std::string>& paths, const Options& options, unsigned job, unsigned jobs,
                void (*report_error)(const std::string&)) {
  Summary summary;
  PartWriter writer(options, job);
  try {
    for (std::size_t k = job; k < paths.size(); k += jobs) {
      SnapshotRows rows;
      try {
        rows = snapshot_rows(paths[k], options);
      } catch (const SnapshotError& e) {
        report_error(e.what());
        ++summary.failed;
        continue;
      } catch (const OutputError&) {
        throw;
      } catch (const std::exception& e) {  // anything odd in one snapshot must not stop the others
        report_error(paths[k] + ": " + e.what());
        ++summary.failed;
        continue;
      }
      for (std::size_t t = 0; t < rows.tables.size(); ++t) {
        writer.append(tables()[t], rows.date, rows.tables[t]);
        summary.rows += rows.tables[t].size();
      }
      ++summary.snapshots;
    }
    summary.parts = writer.finish();
  } catch (const OutputError& e) {
    summary.output_error = e.what();
  }
  return summary;
}

void prepare_output(const Options& options) {
  fs::path dir(options.out_dir);
  std::error_code error;
  fs::create_directories(dir, error);
  if (error) throw OutputError(options.out_dir + ": cannot create: " + error.message());
  if (!fs::is_directory(dir, error)) throw OutputError(options.out_dir + ": not a directory");
  std::vector<fs::path> earlier;
  for (const fs::directory_entry& entry : fs::directory_iterator(dir, error)) {
    if (entry.path().filename().string().starts_with("table=")) earlier.push_back(entry.path());
  }
  if (error) throw OutputError(options.out_dir + ": cannot read: " + error.message());
  if (earlier.empty()) return;
  if (!options.replace)
    throw OutputError(options.out_dir + ": holds an earlier export (" + earlier.front().filename().string() +
                      "); use --replace to overwrite it, or another --out");
  for (const fs::path& path : earlier) {
    fs::remove_all(path, error);
    if (error) throw OutputError(path.string() + ": cannot remove: " + error.message());
  }
}

// A child's summary travels to the parent as one line of counts, then the
// output error text (if any).
std::string encode(const Summary& s) {
  return std::to_string(s.snapshots) + " " + std::to_string(s.failed) + " " + std::to_string(s.rows) + " " +
         std::to_string(s.parts) + "\n" + s.output_error;
}

Summary decode(const std::string& text) {
  Summary s;
  unsigned long long snapshots = 0, failed = 0, rows = 0, parts = 0;
  int used = 0;
  if (std::sscanf(text.c_str(), "%llu %llu %llu %llu\n%n", &snapshots, &failed, &rows, &parts, &used) < 4) {
    s.output_error = "a job ended without reporting";
    return s;
  }
  s.snapshots = snapshots;
  s.failed = failed;
  s.rows = rows;
  s.parts = parts;
  s.output_error = text.substr(static_cast<std::size_t>(used));
  return s;
}

void add(Summary& total, const Summary& part) {
  total.snapshots += part.snapshots;
  total.failed += part.failed;
  total.rows += part.rows;
  total.parts += part.parts;
  if (total.output_error.empty()) total.output_error = part.output_error;
}

}  // namespace

Summary run(const std::vector<std::string>& paths, const Options& options,
            void (*report_error)(const std::string& line)) {
  prepare_output(options);
  unsigned jobs = std::max(1u, std::min<unsigned>(options.jobs, static_cast<unsigned>(paths.size())));
  if (jobs == 1) return run_job(paths, options, 0, 1, report_error);

  std::fflush(stdout);
  std::fflush(stderr);
  struct Child {
    pid_t pid;
    int read_fd;
  };
  std::vector<Child> children;
  Summary total;
  for (unsigned job = 0; job < jobs; ++job) {
    int fds[2];
    if (pipe(fds) != 0) {
      total.output_error = std::string("cannot start a job: ") + std::strerror(errno);
      break;
    }
    pid_t pid = fork();
    if (pid < 0) {
      close(fds[0]);
      close(fds[1]);
      total.output_error = std::string("cannot start a job: ") + std::strerror(errno);
      break;
    }
    if (pid == 0) {
      close(fds[0]);
      for (const Child& sibling : children) close(sibling.read_fd);
      std::string message = encode(run_job(paths, options, job, jobs, report_error));
      std::size_t written = 0;
      while (written < message.size()) {
        ssize_t n = write(fds[1], message.data() + written, message.size() - written);
        if (n <= 0) break;
        written += static_cast<std::size_t>(n);
      }
      std::fflush(stderr);
      _exit(0);
    }
    close(fds[1]);
    children.push_back({pid, fds[0]});
  }
  for (const Child& child : children) {
    std::string text;
    char buffer[4096];
    ssize_t n;
    while ((n = read(child.read_fd, buffer, sizeof buffer)) > 0) text.append(buffer, static_cast<std::size_t>(n));
    close(child.read_fd);
    int status = 0;
    while (waitpid(child.pid, &status, 0) < 0 && errno == EINTR) {
    }
    Summary part = decode(text);
    if (WIFSIGNALED(status))
      part.output_error = "a job was killed by signal " + std::to_string(WTERMSIG(status));
    add(total, part);
  }
  return total;
}

}  // namespace netinspect::exporter
