// A Store in a scratch directory with a controllable clock.
#pragma once

#include <memory>

#include <gtest/gtest.h>

#include "store/store.h"
#include "temp_dir.h"

namespace rocd::store::test {

class StoreFixture : public ::testing::Test {
protected:
    void SetUp() override { reopen(); }

    /// Closes the store (if open) and opens the same directory again.
    void reopen() {
        store_.reset();
        auto opened = Store::open(dir_.path(), {.self_display_name = "self", .clock = clock_.clock()});
        ASSERT_TRUE(opened) << opened.error().message;
        store_ = std::make_unique<Store>(std::move(*opened));
    }

    Store& store() { return *store_; }

    TempDir dir_;
    FakeClock clock_;
    std::unique_ptr<Store> store_;
};

} // namespace rocd::store::test
