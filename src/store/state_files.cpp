#include "store/state_files.h"

#include <cerrno>
#include <cstdio>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace rocd::store {

namespace {

tl::unexpected<Error> os_failure(const std::string& what) {
    return fail(Errc::io, what + ": " + std::strerror(errno));
}

} // namespace

bool path_exists(const std::filesystem::path& path) {
    struct stat st {};
    return ::lstat(path.c_str(), &st) == 0;
}

Status rename_path(const std::filesystem::path& from, const std::filesystem::path& to) {
    if (::rename(from.c_str(), to.c_str()) != 0) {
        return os_failure("cannot rename " + from.string() + " to " + to.string());
    }
    return {};
}

Status remove_if_present(const std::filesystem::path& path) {
    if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
        return os_failure("cannot remove " + path.string());
    }
    return {};
}

Status sync_directory(const std::filesystem::path& dir) {
    const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        return os_failure("cannot open directory " + dir.string());
    }
    const bool synced = ::fsync(fd) == 0;
    const int saved = errno;
    ::close(fd);
    if (!synced) {
        errno = saved;
        return os_failure("cannot sync directory " + dir.string());
    }
    return {};
}

Status write_file_atomically(const std::filesystem::path& path, const std::string& text) {
    const auto temp = std::filesystem::path(path.string() + ".new");
    ::unlink(temp.c_str());
    const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        return os_failure("cannot create " + temp.string());
    }
    const bool written =
        ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
    const int saved = errno;
    ::close(fd);
    if (!written) {
        ::unlink(temp.c_str());
        errno = saved;
        return os_failure("cannot write " + temp.string());
    }
    if (auto renamed = rename_path(temp, path); !renamed) {
        ::unlink(temp.c_str());
        return renamed;
    }
    return sync_directory(path.parent_path().empty() ? std::filesystem::path(".") : path.parent_path());
}

Status check_private_file(const std::filesystem::path& path, const std::string& fix) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
        return fail(Errc::io, "cannot read " + path.string() + ": " + std::strerror(errno));
    }
    if ((st.st_mode & 077) != 0) {
        char mode[8];
        std::snprintf(mode, sizeof(mode), "%03o", static_cast<unsigned>(st.st_mode & 0777));
        return fail(Errc::io, path.string() + " is accessible to other users (mode " + mode + "); " + fix);
    }
    return {};
}

} // namespace rocd::store
