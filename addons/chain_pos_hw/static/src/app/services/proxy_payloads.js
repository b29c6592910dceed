import { _t } from "@web/core/l10n/translation";

/**
 * What the POS sends to the hardware proxy: the receipt as data (the proxy lays it out in
 * the printer's columns and prints it as text) and the customer display's content. Amounts
 * are formatted here, labels translated here: the proxy knows no language and no currency.
 */

function lines(text) {
    return (text || "")
        .split("\n")
        .map((line) => line.trim())
        .filter(Boolean);
}

function companyHeader(headerData) {
    const company = headerData.company;
    const vatLabel = company.country_id?.vat_label || _t("Tax ID");
    return [
        company.name,
        company.phone && _t("Tel: %s", company.phone),
        company.vat && `${vatLabel}: ${company.vat}`,
        company.email,
        company.website,
        ...lines(headerData.header),
    ].filter(Boolean);
}

function receiptLine(line, basic) {
    const note = [line.customerNote, line.discount && _t("Discount: %s", `${line.discount}%`)]
        .filter(Boolean)
        .join(" ");
    if (basic) {
        return { name: line.productName, price: `x ${line.qty}`, note };
    }
    return {
        name: line.productName,
        qty: line.qty,
        unit_price: line.unitPrice,
        price: line.price,
        note,
    };
}

function receiptTotals(data, formatCurrency) {
    const totals = [];
    if (data.tax_details.length) {
        totals.push({ label: _t("Untaxed Amount"), value: formatCurrency(data.total_without_tax) });
        for (const tax of data.tax_details) {
            totals.push({ label: tax.name, value: formatCurrency(tax.amount) });
        }
    }
    totals.push({ label: _t("Total"), value: formatCurrency(data.amount_total), strong: true });
    if (data.rounding_applied) {
        totals.push({ label: _t("Rounding"), value: formatCurrency(data.rounding_applied) });
        totals.push({
            label: _t("To Pay"),
            value: formatCurrency(data.amount_total + data.rounding_applied),
        });
    }
    for (const payment of data.paymentlines) {
        totals.push({ label: payment.name, value: formatCurrency(payment.amount) });
    }
    if (data.change) {
        totals.push({ label: _t("Change"), value: formatCurrency(data.change) });
    }
    if (data.total_discount) {
        totals.push({ label: _t("Discounts"), value: formatCurrency(data.total_discount) });
    }
    return totals;
}

/** The order's reference as a barcode: the number part of "Order 00001-001-0001". */
function referenceCode(name) {
    const code = (name || "").split(" ").pop();
    return /^[\x20-\x7e]+$/.test(code) ? code : "";
}

/**
 * @param {Object} data what `pos.orderExportForPrinting(order)` returns
 * @param {Object} options
 * @param {Function} options.formatCurrency
 * @param {boolean} [options.basic] a receipt without prices
 * @param {string} [options.logo] the company logo, base64
 */
export function buildProxyReceipt(data, { formatCurrency, basic = false, logo = "" }) {
    const footer = lines(data.footer);
    if (data.pos_qr_code) {
        footer.push(_t("Need an invoice for your purchase?"));
        footer.push(_t("Unique Code: %s", data.ticket_code));
    }
    return {
        logo,
        header: companyHeader(data.headerData),
        title: data.name,
        info: [
            [_t("Date"), data.date],
            [_t("Cashier"), data.cashier || ""],
        ],
        lines: data.orderlines.map((line) => receiptLine(line, basic)),
        totals: basic ? [] : receiptTotals(data, formatCurrency),
        footer,
        qr: data.pos_qr_code ? `${data.base_url}/pos/ticket` : "",
        barcode: referenceCode(data.name),
    };
}

/**
 * The customer display's content, from `order.getCustomerDisplayData()`.
 */
export function buildDisplayState(displayData) {
    const orderLines = displayData.lines.map((line) => ({
        name: line.productName,
        qty: line.qty,
        unit_price: line.unitPrice,
        price: line.price,
        selected: line.isSelected,
    }));
    return {
        lines: orderLines,
        total: displayData.amount,
        total_label: _t("Total"),
        change: displayData.finalized && displayData.change ? displayData.change : "",
        change_label: _t("Change"),
        message: orderLines.length ? "" : _t("Welcome"),
    };
}
