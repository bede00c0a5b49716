#define BOOST_TEST_MODULE sqlite_backend
#include <boost/test/unit_test.hpp>
