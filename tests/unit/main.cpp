// The one Boost.Test main of the unit test executable.
#define BOOST_TEST_MODULE sysdist_unit
#include <boost/test/unit_test.hpp>
