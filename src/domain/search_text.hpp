// Internal helpers on search words shared by the backends (the public ones,
// search_words(), search_key() and relevance_tier(), are in backend.hpp).
#pragma once

#include <string>
#include <vector>

namespace custmgmt::detail {

// True when every word consists of ASCII letters and digits only. Then a name
// whose key equals or starts with the text key (relevance tiers 0 and 1)
// matches the text filter of both backends by construction: each search
// word but the last is a whole word of the name and the last a prefix of
// one, and a run of ASCII letters and digits between ASCII separators is one
// word for FTS5's unicode61 tokenizer and for custmgmt_name_words() alike
// (folding leaves ASCII letters and digits as they are, apart from case).
// So those tiers can be read from the name-key index alone, in order.
bool prefix_implies_text_match(const std::vector<std::string>& words) noexcept;

// The least string greater than every string that starts with `key` when
// compared bytewise: `key` followed by 0xF5, a byte that never occurs in
// UTF-8. Names are validated UTF-8, so [key, upper) holds exactly the keys
// starting with `key`.
std::string prefix_upper_bound(const std::string& key);

}  // namespace custmgmt::detail
