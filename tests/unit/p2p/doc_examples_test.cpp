// docs/p2p.md and the codec kept in step (§18): every ```json p2p block of
// the page is one complete message that the codec decodes as the type it
// names and encodes back to the same JSON, and every type the codec knows
// has an example.
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "p2p/message.h"

namespace rocd::p2p {
namespace {

std::vector<std::string> examples() {
    std::ifstream in(ROCD_P2P_DOC);
    std::vector<std::string> found;
    std::string line, block;
    bool inside = false;
    while (std::getline(in, line)) {
        if (!inside && line == "```json p2p") {
            inside = true;
            block.clear();
        } else if (inside && line == "```") {
            inside = false;
            found.push_back(block);
        } else if (inside) {
            block += line + "\n";
        }
    }
    return found;
}

TEST(DocExamples, every_example_decodes_and_encodes_back_to_the_same_json) {
    const auto all = examples();
    ASSERT_GE(all.size(), message_types().size()) << "read from " << ROCD_P2P_DOC;
    for (const auto& text : all) {
        auto m = decode(text);
        ASSERT_TRUE(m) << m.error().detail << "\n" << text;
        EXPECT_EQ(m->type, nlohmann::json::parse(text)["type"]) << text;
        EXPECT_EQ(nlohmann::json::parse(encode(*m)), nlohmann::json::parse(text)) << text;
    }
}

TEST(DocExamples, every_type_the_codec_knows_has_an_example_and_no_example_is_of_another) {
    std::set<std::string> shown;
    for (const auto& text : examples()) {
        shown.insert(nlohmann::json::parse(text)["type"].get<std::string>());
    }
    std::set<std::string> known(message_types().begin(), message_types().end());
    EXPECT_EQ(shown, known);
}

} // namespace
} // namespace rocd::p2p
