// Lookups in a closed set's table: an enum class plus one std::array of rows, every fact in its
// row. A lookup names the member it matches on and, for field_of, the member it answers with.
// Nothing here allocates or throws.
#pragma once

#include <array>
#include <cstddef>
#include <type_traits>

namespace voiceverify::util {

// The first row whose `key` member equals `value` (an enum value, or a name for the reverse
// lookup); nullptr when no row has it.
template <typename Row, std::size_t N, typename Key, typename Value>
constexpr const Row* find_row(const std::array<Row, N>& rows, Key Row::*key, const Value& value) {
  for (const auto& row : rows)
    if (row.*key == value) return &row;
  return nullptr;
}

// The `field` member of the row whose `key` member equals `value`, or `fallback` when no row
// has it.
template <typename Row, std::size_t N, typename Key, typename Value, typename Field>
constexpr Field field_of(const std::array<Row, N>& rows, Key Row::*key, const Value& value,
                         Field Row::*field, std::type_identity_t<Field> fallback) {
  const Row* row = find_row(rows, key, value);
  return row != nullptr ? row->*field : fallback;
}

// The row of a table that holds nothing but each member's name (for the log, the metrics).
template <typename Enum>
struct NameRow {
  Enum value;
  const char* name;
};

// The name of `value` in such a table, or `fallback` when no row has it.
template <typename Enum, std::size_t N>
constexpr const char* name_of(const std::array<NameRow<Enum>, N>& rows, Enum value,
                              const char* fallback) {
  return field_of(rows, &NameRow<Enum>::value, value, &NameRow<Enum>::name, fallback);
}

}  // namespace voiceverify::util
