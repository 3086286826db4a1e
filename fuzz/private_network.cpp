#include "fuzz/private_network.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <net/if.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

namespace rocd::fuzz {

void enter_private_network() {
    if (::unshare(CLONE_NEWNET) != 0) {
        std::fprintf(stderr, "fuzz: cannot enter a private network namespace: %s (run as root)\n",
                     std::strerror(errno));
        std::abort();
    }
    const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
    ifreq lo {};
    std::strncpy(lo.ifr_name, "lo", IFNAMSIZ - 1);
    if (fd < 0 || ::ioctl(fd, SIOCGIFFLAGS, &lo) != 0 ||
        (lo.ifr_flags |= IFF_UP, ::ioctl(fd, SIOCSIFFLAGS, &lo) != 0)) {
        std::fprintf(stderr, "fuzz: cannot bring up loopback: %s\n", std::strerror(errno));
        std::abort();
    }
    ::close(fd);
}

} // namespace rocd::fuzz
