// Entry point of a conformance executable: the suite files plus one backend
// context (context.hpp) make conformance_<backend>.
#define BOOST_TEST_MODULE custmgmt_conformance
#include <boost/test/unit_test.hpp>

#include "conformance/context.hpp"

namespace {

// Names the master suite after the backend so reports say which one ran.
struct NameMasterSuite {
  NameMasterSuite() {
    boost::unit_test::framework::master_test_suite().p_name.value =
        "conformance_" + custmgmt::test::backend_label();
  }
};

}  // namespace

BOOST_TEST_GLOBAL_FIXTURE(NameMasterSuite);
