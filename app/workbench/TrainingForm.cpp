// SPDX-License-Identifier: GPL-3.0-or-later
#include "TrainingForm.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <limits>

#include "runs/ModelConfig.h"

namespace srlab {
namespace {
QString q(const std::string& s) { return QString::fromStdString(s); }
}  // namespace

TrainingForm::TrainingForm(QWidget* parent) : QWidget(parent) {
    dataset_ = new QLineEdit;
    dataset_->setPlaceholderText("dataset (.h5 or streamed .json) from the Datasets page");
    auto* browse = new QPushButton("...");
    arch_ = new QComboBox;
    for (const auto& a : modelArchs()) arch_->addItem(q(a));
    preset_ = new QComboBox;
    loss_ = new QComboBox;
    loss_->addItems({"mse", "mrstft", "mse+mrstft"});
    lr_ = new QDoubleSpinBox;
    lr_->setDecimals(6);
    lr_->setRange(1e-6, 0.1);
    lr_->setSingleStep(1e-4);
    lr_->setValue(3e-4);
    batch_ = new QSpinBox;
    batch_->setRange(1, 1024);
    batch_->setValue(16);
    epochs_ = new QSpinBox;
    epochs_->setRange(1, 100000);
    epochs_->setValue(10);
    steps_ = new QSpinBox;
    steps_->setRange(0, 1000000);
    steps_->setSpecialValueText("all");
    steps_->setToolTip("Steps per epoch: all = the whole training split");
    stftWeight_ = new QDoubleSpinBox;
    stftWeight_->setRange(0.0, 100.0);
    stftWeight_->setSingleStep(0.1);
    stftWeight_->setValue(1.0);
    stftWeight_->setToolTip("Weight of the multi-resolution STFT term in the mse+mrstft loss");
    schedule_ = new QComboBox;
    schedule_->addItems({"constant", "cosine"});
    schedule_->setToolTip("constant, or cosine decay to 0 over the run; either after the warm-up");
    warmup_ = new QSpinBox;
    warmup_->setRange(0, 1000000);
    warmup_->setSpecialValueText("none");
    warmup_->setSuffix(" steps");
    warmup_->setToolTip("Linear learning-rate warm-up from 0 over this many steps");
    seed_ = new QSpinBox;
    seed_->setRange(0, std::numeric_limits<int>::max());
    seed_->setToolTip("Seed for initialisation, shuffling and dropout: the same seed gives the same run");
    init_ = new QLineEdit;
    init_->setObjectName("startFrom");
    init_->setPlaceholderText("random, or a checkpoint folder to fine-tune");
    init_->setToolTip("A warm start: the weights of this checkpoint (same model, preset, rate and scale) with a\n"
                      "fresh optimiser and schedule, as `srlab train --init` does");
    auto* browseInit = new QPushButton("...");
    connect(browseInit, &QPushButton::clicked, this, [this] {
        const QString p = QFileDialog::getExistingDirectory(this, "Checkpoint to start from", workspace_);
        if (!p.isEmpty()) init_->setText(p);
    });
    runName_ = new QLineEdit;
    runName_->setPlaceholderText("model-preset-date (default)");
    runName_->setToolTip("The run's folder name under the workspace's runs/");
    device_ = new QComboBox;
    device_->addItems({"auto", "cpu", "cuda"});
    precision_ = new QComboBox;
    precision_->addItems({"auto", "fp32", "bf16"});
    precision_->setToolTip("auto: the forward pass in bfloat16 autocast on CUDA for U-Net models, float32 otherwise;\n"
                           "bf16 forces it (U-Net models only); weights and gradients stay float32");
    ranks_ = new QSpinBox;
    ranks_->setRange(1, 64);
    ranks_->setToolTip("Data-parallel ranks: more than 1 starts `srlab train --nproc N` (one process per GPU, or N "
                       "CPU processes sharing the cores), followed here through its run folder");

    auto* form = new QFormLayout(this);
    form->setContentsMargins(0, 0, 0, 0);
    auto* dsRow = new QHBoxLayout;
    dsRow->addWidget(dataset_, 1);
    dsRow->addWidget(browse);
    form->addRow("dataset", dsRow);
    // Related settings share a row, so the form fits a 768-pixel-high laptop screen.
    auto row = [](std::initializer_list<std::pair<const char*, QWidget*>> items) {
        auto* h = new QHBoxLayout;
        bool first = true;
        for (const auto& [label, w] : items) {
            if (!first) h->addWidget(new QLabel(label));
            h->addWidget(w, 1);
            first = false;
        }
        return h;
    };
    form->addRow("model", row({{"", arch_}, {"preset", preset_}}));
    form->addRow("loss", row({{"", loss_}, {"MR-STFT weight", stftWeight_}}));
    form->addRow("lr", row({{"", lr_}, {"schedule", schedule_}, {"warm-up", warmup_}}));
    form->addRow("batch", row({{"", batch_}, {"epochs", epochs_}, {"steps/epoch", steps_}}));
    form->addRow("device", row({{"", device_}, {"precision", precision_}, {"ranks", ranks_}}));
    form->addRow("seed", row({{"", seed_}, {"run name", runName_}}));
    auto* initRow = new QHBoxLayout;
    initRow->addWidget(init_, 1);
    initRow->addWidget(browseInit);
    form->addRow("weights", initRow);  // a label no longer than the others: the fields keep their width
    auto syncStftWeight = [this] { stftWeight_->setEnabled(loss_->currentText() == "mse+mrstft"); };
    connect(loss_, &QComboBox::currentTextChanged, this, syncStftWeight);
    syncStftWeight();
    auto fillPresets = [this] {
        preset_->clear();
        for (const auto& p : modelPresets(arch_->currentText().toStdString())) preset_->addItem(q(p));
        preset_->setCurrentText("small");
    };
    fillPresets();
    connect(arch_, &QComboBox::currentIndexChanged, this, fillPresets);
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString p = QFileDialog::getOpenFileName(this, "Dataset", workspace_, "Datasets (*.h5 *.hdf5 *.json)");
        if (!p.isEmpty()) dataset_->setText(p);
    });
}

TrainConfig TrainingForm::config() const {
    TrainConfig c;
    c.dataset = dataset_->text().toStdString();
    c.model = makeModelConfig(arch_->currentText().toStdString(), preset_->currentText().toStdString());
    c.loss = loss_->currentText().toStdString();
    c.stftWeight = stftWeight_->value();
    c.lr = lr_->value();
    c.lrSchedule = schedule_->currentText().toStdString();
    c.warmupSteps = warmup_->value();
    c.seed = uint64_t(seed_->value());
    c.batch = batch_->value();
    c.epochs = epochs_->value();
    c.stepsPerEpoch = steps_->value();
    c.device = device_->currentText().toStdString();
    c.precision = precision_->currentText().toStdString();
    c.init = init_->text().trimmed().toStdString();
    return c;
}

QString TrainingForm::runName() const { return runName_->text().trimmed(); }
int TrainingForm::ranks() const { return ranks_->value(); }
QString TrainingForm::dataset() const { return dataset_->text(); }
void TrainingForm::setDataset(const QString& path) { dataset_->setText(path); }
void TrainingForm::setRanks(int ranks) { ranks_->setValue(ranks); }
void TrainingForm::setWorkspace(const QString& dir) { workspace_ = dir; }

void TrainingForm::setModel(const QString& arch, const QString& preset) {
    arch_->setCurrentText(arch);
    preset_->setCurrentText(preset);
}

void TrainingForm::setEpochs(int epochs, int stepsPerEpoch) {
    epochs_->setValue(epochs);
    steps_->setValue(stepsPerEpoch);
}

}  // namespace srlab
