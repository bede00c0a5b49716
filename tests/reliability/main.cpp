// Entry point of a reliability executable: the suite files plus one backend
// context (tests/conformance/context.hpp) make reliability_<backend>.
#define BOOST_TEST_MODULE custmgmt_reliability
#include <boost/test/unit_test.hpp>

#include "conformance/context.hpp"

namespace {

// Names the master suite after the backend so reports say which one ran.
struct NameMasterSuite {
  NameMasterSuite() {
    boost::unit_test::framework::master_test_suite().p_name.value =
        "reliability_" + custmgmt::test::backend_label();
  }
};

}  // namespace

BOOST_TEST_GLOBAL_FIXTURE(NameMasterSuite);
