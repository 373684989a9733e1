// The Boost.Test module: every *_tests.cpp adds one suite; ctest runs each suite on its own.
#define BOOST_TEST_MODULE voiceverify
#include <boost/test/unit_test.hpp>
