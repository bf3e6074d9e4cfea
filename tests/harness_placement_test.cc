// Where a lockstep conversation runs (harness/placement.h): the policy fed measured windows, and
// the mechanism moving a real process tree's CPU masks.
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "harness/placement.h"

namespace dxt::harness {
namespace {

using Move = PlacementPolicy::Move;
constexpr double kAlone = 1.0;   // the pair ran all of its CPU's time
constexpr double kShared = 0.5;  // beside one CPU hog

TEST(PlacementPolicyTest, APairAloneOnItsCpuStaysPinned) {
  PlacementPolicy p;
  for (int i = 0; i < 100; ++i) EXPECT_EQ(p.OnWindow(400e3, kAlone), Move::kStay) << i;
  EXPECT_TRUE(p.pinned());
}

TEST(PlacementPolicyTest, ASlowProgramIsNotMovedEvenWhenShared) {
  PlacementPolicy p;
  for (int i = 0; i < 10; ++i) EXPECT_EQ(p.OnWindow(500, kShared), Move::kStay);
  EXPECT_TRUE(p.pinned());
}

TEST(PlacementPolicyTest, ASharedCpuIsLeftAndAFasterUnpinnedPlacementKept) {
  PlacementPolicy p;
  EXPECT_EQ(p.OnWindow(170e3, kShared), Move::kUnpin);
  EXPECT_FALSE(p.pinned());
  for (int i = 0; i < 50; ++i) EXPECT_EQ(p.OnWindow(400e3, kShared), Move::kStay) << i;
  EXPECT_FALSE(p.pinned());
}

TEST(PlacementPolicyTest, ASplitPairIsPinnedAgainAfterOneWindow) {
  PlacementPolicy p;
  ASSERT_EQ(p.OnWindow(170e3, kShared), Move::kUnpin);
  EXPECT_EQ(p.OnWindow(10e3, kShared), Move::kPin);  // a twentieth: split across busy CPUs
  EXPECT_TRUE(p.pinned());
}

TEST(PlacementPolicyTest, AnUnpinnedPlacementNoFasterLosesAfterItsSettlingWindow) {
  PlacementPolicy p;
  ASSERT_EQ(p.OnWindow(170e3, kShared), Move::kUnpin);
  EXPECT_EQ(p.OnWindow(150e3, kShared), Move::kStay);  // the balancer's first moves
  EXPECT_EQ(p.OnWindow(150e3, kShared), Move::kPin);
}

TEST(PlacementPolicyTest, EachLostTryDoublesThePauseBeforeTheNext) {
  PlacementPolicy p;
  std::vector<int> pauses;
  for (int round = 0; round < 9; ++round) {
    int pause = 0;
    while (p.OnWindow(170e3, kShared) == Move::kStay) ++pause;
    ASSERT_FALSE(p.pinned()) << round;
    pauses.push_back(pause);
    ASSERT_EQ(p.OnWindow(10e3, kShared), Move::kPin) << round;  // lost
  }
  EXPECT_EQ(pauses, (std::vector<int>{0, 1, 2, 4, 8, 16, 32, 64, 64}));
}

TEST(PlacementPolicyTest, AWinningTryResetsThePause) {
  PlacementPolicy p;
  ASSERT_EQ(p.OnWindow(170e3, kShared), Move::kUnpin);
  ASSERT_EQ(p.OnWindow(10e3, kShared), Move::kPin);  // pause 1, next 2
  ASSERT_EQ(p.OnWindow(170e3, kShared), Move::kStay);
  ASSERT_EQ(p.OnWindow(170e3, kShared), Move::kUnpin);
  ASSERT_EQ(p.OnWindow(400e3, kShared), Move::kStay);
  ASSERT_EQ(p.OnWindow(400e3, kShared), Move::kStay);  // won after settling: pause back to 1
  ASSERT_EQ(p.OnWindow(100e3, kShared), Move::kPin);   // the balancer split it later
  EXPECT_EQ(p.OnWindow(170e3, kShared), Move::kStay);  // a pause of 1
  EXPECT_EQ(p.OnWindow(170e3, kShared), Move::kUnpin);
}

cpu_set_t MaskOf(pid_t pid) {
  cpu_set_t mask;
  CPU_ZERO(&mask);
  EXPECT_EQ(::sched_getaffinity(pid, sizeof mask, &mask), 0);
  return mask;
}

bool HasMask(pid_t pid, const cpu_set_t& expected) {
  const cpu_set_t mask = MaskOf(pid);
  return CPU_EQUAL(&mask, &expected);
}

// The mechanism on real tasks: a program spawned while pinned inherits the CPU; freeing the pair
// gives the program's tree the thread's old mask, pinning takes it back; the end restores it.
TEST(ColocationTest, MovesTheThreadAndTheAdoptedTreeTogether) {
  const cpu_set_t before = MaskOf(0);
  if (CPU_COUNT(&before) < 2) GTEST_SKIP() << "one CPU: nothing to move between";
  // A thread of its own, as a conversation has: the test's main thread keeps its mask.
  std::thread([&] {
    auto colocation = Colocation::Pin();
    ASSERT_NE(colocation, nullptr);
    const cpu_set_t allowed = MaskOf(0);
    EXPECT_EQ(CPU_COUNT(&allowed), 1);
    EXPECT_TRUE(CPU_ISSET(colocation->cpu(), &allowed));
    // The shell forks a sleep: a tree of two processes.
    pid_t pid = -1;
    const char* argv[] = {"sh", "-c", "sleep 30 & wait", nullptr};
    ASSERT_EQ(::posix_spawn(&pid, "/bin/sh", nullptr, nullptr, const_cast<char**>(argv), environ),
              0);
    std::this_thread::sleep_for(std::chrono::milliseconds(200));  // the sleep has started
    EXPECT_TRUE(HasMask(pid, allowed));
    colocation->Adopt(pid);
    colocation->Place(false);
    EXPECT_TRUE(HasMask(0, before));
    EXPECT_TRUE(HasMask(pid, before));
    // The grandchild moved too: every process of the tree still has the full mask.
    FILE* f = std::fopen(
        ("/proc/" + std::to_string(pid) + "/task/" + std::to_string(pid) + "/children").c_str(),
        "r");
    ASSERT_NE(f, nullptr);
    int child = 0;
    ASSERT_EQ(std::fscanf(f, "%d", &child), 1);
    std::fclose(f);
    EXPECT_TRUE(HasMask(child, before));
    colocation->Place(true);
    EXPECT_TRUE(HasMask(child, allowed));
    EXPECT_TRUE(HasMask(0, allowed));
    colocation.reset();
    EXPECT_TRUE(HasMask(0, before));
    ::kill(child, SIGKILL);
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
  }).join();
}

}  // namespace
}  // namespace dxt::harness
